using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>
/// docs/requests.http runs as written: every request, top to bottom, against the real host with data like the
/// local demo's (numeric ids, a trained model) and jobs on, answers 2xx; and it has a request for every route.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class RequestsFileTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Training:JobsEnabled"] = "true",
        ["Training:Cron"] = "0 0 1 1 *",
    };

    protected override RatingSet Seed() => TestData.PlantedRatings(users: 250, items: 250, ratings: 8000);

    /// <summary>Version 2, stored beside the active one, is the file's experiment treatment (locally: the version the retrain made).</summary>
    protected override async Task BeforeLoadAsync() => await TestData.StoreVersionAsync(Factory.ConnectionString, Model, "superseded");

    private static string FilePath => Path.Combine(Path.GetDirectoryName(OpenApiDocumentTests.CommittedPath)!, "requests.http");

    [Fact]
    public async Task Every_request_of_the_http_file_succeeds_in_order()
    {
        var (variables, requests) = Parse(File.ReadAllText(FilePath));
        using var client = Factory.CreateClient();
        variables["baseUrl"] = client.BaseAddress!.ToString().TrimEnd('/');
        variables["clientKey"] = RecommenderApiFactory.ClientKey;
        variables["adminKey"] = RecommenderApiFactory.AdminKey;
        var responses = new Dictionary<string, JsonElement>();

        foreach (var request in requests)
        {
            string Substitute(string text) => Variable().Replace(text, m => Resolve(m.Groups[1].Value, variables, responses));
            var message = new HttpRequestMessage(new HttpMethod(request.Method), Substitute(request.Url));
            string? contentType = null;
            foreach (var (name, value) in request.Headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = Substitute(value);
                else message.Headers.TryAddWithoutValidation(name, Substitute(value));
            }
            if (request.Body.Length > 0)
            {
                message.Content = new StringContent(Substitute(request.Body), Encoding.UTF8);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
            }

            using var response = await client.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{request.Title}: {request.Method} {message.RequestUri} answered {(int)response.StatusCode}: {text}");
            if (request.Name is not null) responses[request.Name] = JsonDocument.Parse(text).RootElement.Clone();
        }

        // One request per route of the document.
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(OpenApiDocumentTests.CommittedPath))!;
        var routes = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}")).ToHashSet();
        var covered = requests.Select(r => $"{r.Method} {Placeholder().Replace(r.Url.Replace("{{baseUrl}}", "").Split('?')[0], "{}")}").ToHashSet();
        var missing = routes.Where(route => !covered.Contains(PathParameter().Replace(route, "{}"))).ToList();
        Assert.True(missing.Count == 0, "docs/requests.http has no request for: " + string.Join(", ", missing));
    }

    private static string Resolve(string name, Dictionary<string, string> variables, Dictionary<string, JsonElement> responses)
    {
        if (variables.TryGetValue(name, out var value)) return value;
        // {{retrain.response.body.$.jobId}}, {{list.response.body.$.items[0].itemId}}: a field of an earlier named response.
        var parts = name.Split('.');
        if (parts.Length >= 5 && parts[1] == "response" && parts[2] == "body" && parts[3] == "$" && responses.TryGetValue(parts[0], out var body))
        {
            foreach (var part in parts.Skip(4))
            {
                var index = part.IndexOf('[');
                body = body.GetProperty(index < 0 ? part : part[..index]);
                if (index >= 0) body = body[int.Parse(part[(index + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
            }
            return body.ToString();
        }
        throw new InvalidOperationException($"Unknown variable {{{{{name}}}}} in requests.http");
    }

    private sealed record HttpFileRequest(string Title, string? Name, string Method, string Url, List<(string Name, string Value)> Headers, string Body);

    private static (Dictionary<string, string> Variables, List<HttpFileRequest> Requests) Parse(string text)
    {
        var variables = new Dictionary<string, string>();
        var requests = new List<HttpFileRequest>();
        var blocks = Regex.Split(text.Replace("\r\n", "\n"), @"^###", RegexOptions.Multiline);
        foreach (var line in blocks[0].Split('\n'))
            if (VariableLine().Match(line) is { Success: true } m) variables[m.Groups[1].Value] = m.Groups[2].Value.Trim();

        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            var title = lines[0].Trim();
            string? name = null;
            var i = 1;
            for (; i < lines.Length && (lines[i].StartsWith('#') || lines[i].Trim().Length == 0); i++)
                if (NameLine().Match(lines[i]) is { Success: true } n) name = n.Groups[1].Value;
            var requestLine = lines[i++].Trim().Split(' ', 2);
            var headers = new List<(string, string)>();
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':');
                headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
            }
            var body = string.Join('\n', lines.Skip(i)).Trim();
            requests.Add(new HttpFileRequest(title, name, requestLine[0], requestLine[1], headers, body.Length == 0 ? "" : body + "\n"));
        }
        return (variables, requests);
    }

    [GeneratedRegex(@"\{\{([^}]+)\}\}")] private static partial Regex Variable();
    [GeneratedRegex(@"^@(\w+)\s*=\s*(.*)$")] private static partial Regex VariableLine();
    [GeneratedRegex(@"^#\s*@name\s+(\w+)")] private static partial Regex NameLine();
    [GeneratedRegex(@"\{\{[^}]+\}\}")] private static partial Regex Placeholder();
    [GeneratedRegex(@"\{[^}]+\}")] private static partial Regex PathParameter();
}
