using System.Text.Json.Nodes;
using System.Text.RegularExpressions;


namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is the contract generated clients are built from: the committed copy must be the one the
/// service serves, and the document must be exact (described, every error declared as a problem, every field the
/// server always sends required).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class OpenApiDocumentTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private const string RegenerateCommand = "dotnet build src/RecommenderService.Api -t:UpdateOpenApiDocument";
    private JsonNode _served = null!;

    protected override Dictionary<string, string?> Settings => new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var anonymous = Factory.CreateClient();
        _served = JsonNode.Parse(await anonymous.GetStringAsync("/swagger/v1/swagger.json"))!;
    }

    /// <summary>docs/openapi.json of this checkout.</summary>
    public static string CommittedPath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "docs", "openapi.json");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("docs/openapi.json not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void The_committed_document_is_the_one_the_service_serves()
    {
        var committed = JsonNode.Parse(File.ReadAllText(CommittedPath));
        Assert.True(JsonNode.DeepEquals(committed, _served),
            $"docs/openapi.json differs from what the service serves at /swagger/v1/swagger.json. Regenerate it with `{RegenerateCommand}` and commit it.\n"
            + FirstDifference(committed, _served, "$"));
    }

    [Fact]
    public void Every_operation_and_parameter_is_described_in_a_callers_words()
    {
        var missing = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>())) missing.Add($"{method} {path}: no summary");
            foreach (var parameter in operation["parameters"] as JsonArray ?? [])
                if (string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()))
                    missing.Add($"{method} {path}: parameter {parameter["name"]} has no description");
        }
        Assert.Empty(missing);

        // What a frontend engineer reads must not show the service's insides.
        var text = _served.ToJsonString();
        var leaks = Internals().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(leaks.Count == 0, "The document shows internals: " + string.Join(", ", leaks));
    }

    [Fact]
    public void Every_error_a_route_can_answer_is_declared_as_a_problem()
    {
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation["responses"]!.AsObject();
            var protectedRoute = operation["security"] is JsonArray { Count: > 0 };
            var expected = new List<int>();
            if (protectedRoute) expected.AddRange([401, 429, 503]);
            if (operation["requestBody"] is not null) expected.AddRange([400, 413, 415]);
            foreach (var status in expected.Where(s => !responses.ContainsKey(s.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                problems.Add($"{method} {path} does not declare {status}");
            foreach (var (status, response) in responses.Where(r => int.Parse(r.Key) >= 400))
            {
                var reference = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (reference != "#/components/schemas/Problem") problems.Add($"{method} {path} {status} is not an application/problem+json Problem");
            }
        }
        Assert.Empty(problems);
        Assert.Equal("/", _served["servers"]![0]!["url"]!.GetValue<string>());

        var problem = _served["components"]!["schemas"]!["Problem"]!;
        Assert.Contains("traceId", problem["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.NotNull(problem["properties"]!["errors"]);
    }

    [Fact]
    public void Every_protected_route_declares_403_and_offers_both_the_key_and_the_user_token()
    {
        // A user token is refused (403) on another user's data and on routes for servers, so 403 is not admin-only.
        var retrain = _served["paths"]!["/api/v1/model/retrain"]!["post"]!;
        var erase = _served["paths"]!["/api/v1/users/{userId}"]!["delete"]!;
        var rate = _served["paths"]!["/api/v1/users/{userId}/ratings/{itemId}"]!["put"]!;
        foreach (var operation in new[] { retrain, erase, rate })
        {
            Assert.True(operation["responses"]!.AsObject().ContainsKey("403"));
            Assert.Equal(["ApiKey", "Bearer"], operation["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).Order());
        }
    }

    [Fact]
    public void Request_bodies_and_parameters_are_typed()
    {
        var schemas = _served["components"]!["schemas"]!;
        Assert.Equal("number", schemas["RatingWriteRequest"]!["properties"]!["rating"]!["type"]!.GetValue<string>());
        Assert.Equal(["rating"], schemas["RatingWriteRequest"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["itemId", "rating", "userId"], schemas["RatingBatchRow"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Equal("object", schemas["ItemRequest"]!["properties"]!["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal(["model", "folded-in", "profile", "onboarding", "popularity"],
            schemas["RecommendationResponse"]!["properties"]!["strategy"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("object", schemas["UserProfileRequest"]!["properties"]!["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal("boolean", schemas["RecommendedItem"]!["properties"]!["exploration"]!["type"]!.GetValue<string>());

        var parameters = _served["paths"]!["/api/v1/users/{userId}/ratings"]!["get"]!["parameters"]!.AsArray();
        var limit = parameters.Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!;
        Assert.Equal("integer", limit["type"]!.GetValue<string>());
        Assert.Equal(50, limit["default"]!.GetValue<int>());
        Assert.Equal(1000, limit["maximum"]!.GetValue<int>());
    }

    private IEnumerable<(string Path, string Method, JsonNode Operation)> Operations() =>
        _served["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => (path.Key, operation.Key.ToUpperInvariant(), operation.Value!)));

    private static string FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonObject a && actual is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                if (!JsonNode.DeepEquals(a[key], b[key])) return FirstDifference(a[key], b[key], $"{path}.{key}");
        }
        else if (expected is JsonArray x && actual is JsonArray y)
        {
            for (var i = 0; i < Math.Max(x.Count, y.Count); i++)
                if (!JsonNode.DeepEquals(i < x.Count ? x[i] : null, i < y.Count ? y[i] : null))
                    return FirstDifference(i < x.Count ? x[i] : null, i < y.Count ? y[i] : null, $"{path}[{i}]");
        }
        return $"First difference at {path}: committed {Shorten(expected)}, served {Shorten(actual)}";
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "(absent)";
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    // C# namespaces and type names, configuration keys (Section:Key) and references to files outside the document.
    [GeneratedRegex(@"System\.[A-Z]\w+|RecommenderService\.\w+|Hangfire|JsonElement|JsonDocument|API\.md|\b(Auth|Training|Serving|Popularity|Ingest|RateLimiting|Ratings|Database):[A-Z]\w+")]
    private static partial Regex Internals();
}
