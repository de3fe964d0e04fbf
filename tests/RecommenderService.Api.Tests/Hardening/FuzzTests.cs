using System.Net.Http.Headers;
using RecommenderService.Api.Tests.Dashboard;
using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Hostile requests to every route, generated from a seed (<see cref="HostileInput"/>): never a 5xx, every
/// error an RFC 9457 problem, and a refused write leaves the stored data as it was. Besides hostile paths,
/// queries and bodies: user tokens with hostile claims (never more than a user: admin routes refuse them),
/// made-up HTTP methods (never a label value on /metrics), numbers at the edges of every limit, batches at the
/// row limit and bodies at the byte limit, again and again. FUZZ_CASES sets the number of cases (default
/// 2,000), FUZZ_SEED the seed (default fixed, so every run sends the same cases); FUZZ_CASE replays a single
/// case of the run, as a failure names it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultCases = 2_000;
    private const int DefaultSeed = 20261130;

    private RecommenderApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private HttpClient _client = null!;
    private NpgsqlDataSource _database = null!;
    private NpgsqlConnection _trainingLock = null!;
    private DashboardSession _dashboard = null!;

    public async Task InitializeAsync()
    {
        _factory = await RecommenderApiFactory.CreateAsync(postgres, UserTokens.Settings(new()
        {
            ["RateLimiting:Enabled"] = "false",
            // Jobs on, so the job routes are real; retrains are queued but not run during the fuzz (below).
            ["Training:JobsEnabled"] = "true",
            ["Training:QueuePollSeconds"] = "60",
            ["Training:PollSeconds"] = "30",
            // A configured admin claim, so hostile tokens can try near misses of it.
            ["Auth:Jwt:AdminClaimType"] = "recommender_admin",
            ["Auth:Jwt:AdminClaimValue"] = "yes",
        }));
        // The fuzz holds the training lock, as a training elsewhere would: an accepted retrain waits for it
        // instead of activating a model in the middle of the run, which would change the stored data under a
        // later, refused request.
        _trainingLock = new NpgsqlConnection(_factory.ConnectionString);
        await _trainingLock.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", _trainingLock))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = RecommenderService.Api.Model.Training.TrainingLock.Key });
            await take.ExecuteNonQueryAsync();
        }
        _admin = _factory.CreateClientAsAdmin();
        _client = _factory.CreateClientAsClient();
        _database = NpgsqlDataSource.Create(_factory.ConnectionString);
        _dashboard = await new DashboardSession(_factory).SignedInAsync();
        await _admin.PutAsync("/api/v1/users/u1/ratings/i1", new StringContent("""{"rating": 4}""", Encoding.UTF8, "application/json"));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _factory.DisposeAsync(); // stops the job waiting for the lock before the lock is let go
        await _trainingLock.DisposeAsync();
    }

    // AdminOnly: a user token must never get past authorization here, whatever it claims. Page: a dashboard page, sent
    // mostly in a signed-in session, answering HTML (a refusal need not be a problem document, but never a 5xx).
    private sealed record Route(string Name, bool Writes, Func<HostileInput, HttpRequestMessage> Make, bool AdminOnly = false, bool Page = false);

    private static readonly Route[] Routes =
    [
        new("GET model", false, h => Get("/api/v1/model"), AdminOnly: true),
        new("GET versions", false, h => Get("/api/v1/model/versions"), AdminOnly: true),
        new("POST retrain", true, h => Json(h, HttpMethod.Post, "/api/v1/model/retrain", RetrainBody(h), 16 * 1024), AdminOnly: true),
        new("GET job", false, h => Get($"/api/v1/model/jobs/{h.Segment()}"), AdminOnly: true),
        new("POST activate", true, h => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/model/versions/{h.Segment()}/activate"), AdminOnly: true),
        new("PUT rating", true, h => Json(h, HttpMethod.Put, $"/api/v1/users/{h.Segment()}/ratings/{h.Segment()}", RatingBody(h), 64 * 1024)),
        new("DELETE rating", true, h => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{h.Segment()}/ratings/{h.Segment()}")),
        new("GET ratings", false, h => Get($"/api/v1/users/{h.Segment()}/ratings{Query(h, "limit", "cursor")}")),
        new("POST batch", true, h => Json(h, HttpMethod.Post, "/api/v1/ratings/batch", BatchBody(h), 0)),
        new("POST import", true, h => Body(h, HttpMethod.Post, "/api/v1/ratings/import", h.Csv(), h.ContentType("text/csv")), AdminOnly: true),
        new("DELETE user", true, h => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{h.Segment()}"), AdminOnly: true),
        new("GET recommendations", false, h => Get($"/api/v1/users/{h.Segment()}/recommendations{Query(h, "count", "excludeRated", "offset", "exclude")}")),
        new("GET prediction", false, h => Get($"/api/v1/users/{h.Segment()}/predictions/{h.Segment()}")),
        new("GET popular", false, h => Get($"/api/v1/items/popular{Query(h, "count")}")),
        new("PUT item", true, h => Json(h, HttpMethod.Put, $"/api/v1/items/{h.Segment()}", ItemBody(h), 64 * 1024), AdminOnly: true),
        new("GET item", false, h => Get($"/api/v1/items/{h.Segment()}")),
        new("GET similar", false, h => Get($"/api/v1/items/{h.Segment()}/similar{Query(h, "count")}")),
        new("GET health", false, h => Get(h.Pick(["/health/live", "/health/ready"]))),
        new("GET dashboard job", false, h => Get($"/hangfire/jobs/details/{(h.Chance(30) ? h.Boundary() : h.Segment())}"), AdminOnly: true),
        new("ANY method", true, h => new HttpRequestMessage(new HttpMethod(h.Method()),
            h.Pick(["/api/v1/items/popular", "/api/v1/ratings/batch", "/api/v1/users/u1/ratings/i1", "/made/up", "/metrics", "/health/ready"]))),
        new("POST batch at the limits", true, BatchAtTheLimits),
        new("POST events", true, h => Json(h, HttpMethod.Post, "/api/v1/events", EventsBody(h), 0)),
        new("POST experiment", true, h => Json(h, HttpMethod.Post, "/api/v1/model/experiments", ExperimentBody(h), 16 * 1024), AdminOnly: true),
        new("GET experiments", false, h => Get(h.Chance(50) ? "/api/v1/model/experiments" : $"/api/v1/model/experiments/{ExperimentId(h)}"), AdminOnly: true),
        new("POST stop experiment", true, h => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/model/experiments/{ExperimentId(h)}/stop"), AdminOnly: true),
        new("POST promote experiment", true, h => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/model/experiments/{ExperimentId(h)}/promote"), AdminOnly: true),
        new("GET dashboard page", false, h => Get(h.Pick([
            $"/dashboard/users{Query(h, "user", "count", "filter", "exclude", "excludeRated")}",
            $"/dashboard/items{Query(h, "item", "by")}",
            $"/dashboard/model{Query(h, "activated")}",
            $"/dashboard/training{Query(h, "started")}",
            "/dashboard/outcomes",
            "/dashboard",
            $"/dashboard/model/versions/{h.Segment()}/activate",
            $"/dashboard/sign-in{Query(h, "ReturnUrl")}",
        ])), Page: true),
        new("POST dashboard form", true, h => Body(h, HttpMethod.Post, h.Pick([
            $"/dashboard/model/versions/{h.Segment()}/activate", "/dashboard/sign-in", "/dashboard/sign-out", "/dashboard/training?handler=retrain",
        ]), Encoding.UTF8.GetBytes(h.Pick(["", "Key=" + Uri.EscapeDataString(h.Text()), "__RequestVerificationToken=" + Uri.EscapeDataString(h.Text())])),
            h.ContentType("application/x-www-form-urlencoded")), Page: true),
    ];

    private static readonly HashSet<string> MethodLabels = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "OTHER"];

    [Fact]
    public async Task Hostile_requests_to_every_route_never_get_a_5xx_and_refused_writes_change_nothing()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), out var n) ? n : DefaultCases;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var only = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASE"), out var c) ? c : (int?)null;

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var index = only ?? 0; index < (only + 1 ?? cases) && failures.Count < 20; index++)
        {
            // Not HashCode.Combine: it is salted per process, and a case must replay the same everywhere.
            var hostile = new HostileInput(unchecked(seed * 1_000_003 + index));
            var route = Routes[index % Routes.Length];
            using var request = route.Make(hostile);
            var description = $"case {index} (FUZZ_SEED={seed} FUZZ_CASE={index}): {route.Name} {request.Method} {request.RequestUri}";
            var before = route.Writes ? await FingerprintAsync() : null;
            var roll = hostile.Next(100);
            var sender = roll < 20 ? _client : roll < 40 ? HostileToken(hostile) : route.Page ? _dashboard.Http : _admin;
            var asUser = roll is >= 20 and < 40;

            HttpResponseMessage response;
            try
            {
                response = await sender.SendAsync(request);
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException)
            {
                failures.Add($"{description}: the host threw {exception.GetType().Name}: {exception.Message}");
                continue;
            }
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();
            var problem = route.Page ? PageProblem(status, text) : Problem(response, status, text);
            if (asUser && route.AdminOnly && status is >= 200 and < 400) problem ??= $"a user token got {status} on an admin route";
            if (problem is not null) failures.Add($"{description}: {problem}");
            else if (before is not null && status >= 400 && await FingerprintAsync() is var after && after != before)
                failures.Add($"{description}: refused with {status} but the stored data changed ({before} -> {after})");
        }

        var metrics = await _factory.CreateClient().GetStringAsync("/metrics");
        foreach (var label in System.Text.RegularExpressions.Regex.Matches(metrics, "method=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct())
            if (!MethodLabels.Contains(label)) failures.Add($"/metrics has a method label from a request: {Shorten(label)}");
        output.WriteLine($"{(only is null ? cases : 1)} cases, seed {seed}, {clock.Elapsed.TotalSeconds:F1} s; statuses: " +
                         string.Join(", ", statuses.Select(p => $"{p.Key}×{p.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A user token (valid signature) with hostile claims and headers: roles, names, crit, typ, lifetimes.</summary>
    private HttpClient HostileToken(HostileInput h)
    {
        var now = DateTime.UtcNow;
        var token = UserTokens.For(h.Chance(70) ? "u1" : h.Text(20) is { Length: > 0 } sub ? sub : "u2",
            claims: h.Claims(),
            tokenType: h.Chance(20) ? h.Pick(["at+jwt", "id+jwt", "JWT", "", h.Text(10)]) : null,
            headers: h.Chance(10) ? new Dictionary<string, object> { ["crit"] = new[] { h.Pick(["exp", "b64", h.Text(8)]) } } : null,
            expires: h.Chance(10) ? now.AddDays(h.Next(400) + 2) : null);
        return UserTokens.ClientFor(_factory, token);
    }

    /// <summary>
    /// Sizes at the limits: 10,000 or 10,001 empty rows (the row limit, and an error list that must stay short),
    /// or a body exactly at the byte limit or one byte over it (again and again across a run: memory must hold).
    /// </summary>
    private static HttpRequestMessage BatchAtTheLimits(HostileInput h)
    {
        // One case in ten is at a limit (each costs about a second); the rest are ordinary hostile batches.
        if (!h.Chance(10)) return Json(h, HttpMethod.Post, "/api/v1/ratings/batch", BatchBody(h), 0);
        if (h.Chance(50))
        {
            var rows = h.Pick([10_000, 10_001, 9_999]);
            return Body(h, HttpMethod.Post, "/api/v1/ratings/batch",
                Encoding.UTF8.GetBytes("{\"ratings\":[" + string.Join(",", Enumerable.Repeat("{}", rows)) + "]}"), "application/json");
        }
        var size = RecommenderService.Api.Ratings.IngestOptions.LegalBatchBytes + (h.Chance(50) ? 0 : 1);
        var body = new byte[size];
        Array.Fill(body, (byte)' ');
        "{\"ratings\":[]}"u8.CopyTo(body);
        return Body(h, HttpMethod.Post, "/api/v1/ratings/batch", body, "application/json");
    }

    /// <summary>What is wrong with the answer, or null when it is fine.</summary>
    private static string? Problem(HttpResponseMessage response, int status, string text)
    {
        if (status >= 500) return $"{status}: {Shorten(text)}";
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{status} is not problem+json ({response.Content.Headers.ContentType}): {Shorten(text)}";
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            if (root.GetProperty("status").GetInt32() != status || string.IsNullOrEmpty(root.GetProperty("title").GetString()))
                return $"{status}: the problem's status or title is wrong: {Shorten(text)}";
            return text.Contains("   at ", StringComparison.Ordinal) ? $"{status}: a stack trace in the answer" : null;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{status}: not a problem document ({exception.Message}): {Shorten(text)}";
        }
    }

    /// <summary>What is wrong with a dashboard page's answer: a 5xx or a stack trace.</summary>
    private static string? PageProblem(int status, string text) =>
        status >= 500 ? $"{status}: {Shorten(text)}" : text.Contains("   at ", StringComparison.Ordinal) ? $"{status}: a stack trace in the page" : null;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>
    /// Order-independent digests of the rows a write can touch: cheap enough to take around every write.
    /// </summary>
    private async Task<string> FingerprintAsync()
    {
        await using var command = _database.CreateCommand("""
            SELECT concat_ws('|',
                (SELECT count(*) || ':' || coalesce(sum(hashtext(external_id || coalesce(ratings_changed_at::text, ''))::bigint), 0) FROM users),
                (SELECT count(*) || ':' || coalesce(sum(hashtext(external_id || coalesce(title, '') || coalesce(attributes::text, ''))::bigint), 0) FROM items),
                (SELECT count(*) || ':' || coalesce(sum(hashtext(user_id || ':' || item_id || ':' || value || ':' || rated_at))::bigint, 0) FROM ratings),
                (SELECT count(*) || ':' || coalesce(max(status), '') FROM model_versions WHERE status = 'active'),
                (SELECT count(*) FROM outcome_events),
                (SELECT count(*) || ':' || coalesce(string_agg(id || status, ',' ORDER BY id), '') FROM experiments))
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static string Query(HostileInput h, params string[] names)
    {
        var parts = names.Where(_ => h.Chance(60)).Select(name => $"{(h.Chance(5) ? h.QueryValue() : name)}={h.QueryValue()}").ToList();
        if (h.Chance(5)) parts.Add(parts.Count > 0 ? parts[0] : "count=1");
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static HttpRequestMessage Json(HostileInput h, HttpMethod method, string path, string json, int limit)
    {
        byte[] body = h.Chance(30) ? h.Break(json) : Encoding.UTF8.GetBytes(json);
        if (limit > 0 && h.Chance(2)) body = Encoding.UTF8.GetBytes("{\"title\":\"" + new string('x', limit + 10) + "\"}");
        return Body(h, method, path, h.Chance(3) ? [] : body, h.ContentType("application/json"));
    }

    private static HttpRequestMessage Body(HostileInput h, HttpMethod method, string path, byte[] body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        if (contentType.Length > 0 && MediaTypeHeaderValue.TryParse(contentType, out var parsed)) request.Content.Headers.ContentType = parsed;
        else if (contentType.Length > 0) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return request;
    }

    private static string RatingBody(HostileInput h) => h.Object(
    [
        ("rating", () => h.Pick(["1", "4.5", "5", "0", "6", "-1", "1e308", "\"4\""])),
        ("timestamp", () => h.JsonString(h.Pick(["2024-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2999-01-01", h.Text()]))),
    ]);

    private static string BatchBody(HostileInput h)
    {
        var rows = Enumerable.Range(0, h.Next(5)).Select(_ => h.Chance(10) ? h.JsonValue() : h.Object(
        [
            ("userId", () => h.JsonString(h.Text())),
            ("itemId", () => h.JsonString(h.Text())),
            ("rating", () => h.Pick(["1", "3", "5", "0", "7", "2.5", "null"])),
            ("timestamp", () => h.JsonString(h.Pick(["2024-01-01T00:00:00Z", "0001-01-01", h.Text()]))),
        ]));
        return h.Chance(5) ? h.JsonValue() : "{\"ratings\":[" + string.Join(",", rows) + "]}";
    }

    private static string ItemBody(HostileInput h) => h.Object(
    [
        ("title", () => h.JsonString(h.Chance(5) ? new string('t', 1001) : h.Text())),
        ("attributes", () => h.Chance(70) ? h.Object([("genres", () => "[" + h.JsonString(h.Text()) + "]"), (h.Text(6), () => h.JsonValue())]) : h.JsonValue()),
    ]);

    private static string EventsBody(HostileInput h)
    {
        var rows = Enumerable.Range(0, h.Next(5)).Select(_ => h.Chance(10) ? h.JsonValue() : h.Object(
        [
            ("userId", () => h.JsonString(h.Chance(50) ? "u1" : h.Text())),
            ("itemId", () => h.JsonString(h.Chance(50) ? "i1" : h.Text())),
            ("type", () => h.JsonString(h.Pick(["view", "click", "cart", "purchase", "rating", "", "CLICK", h.Text(12)]))),
            ("timestamp", () => h.JsonString(h.Pick(["2024-01-01T00:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", h.Text()]))),
            ("recommendationId", () => h.JsonString(h.Pick(["0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70", "0190a6e25d3b7c4e9f1a2b3c4d5e6f70", h.Text(40)]))),
            ("value", () => h.Number()),
        ]));
        return h.Chance(5) ? h.JsonValue() : "{\"events\":[" + string.Join(",", rows) + "]}";
    }

    private static string ExperimentBody(HostileInput h) => h.Object(
    [
        ("treatment", () => h.Pick(["1", "2", "0", "-1", "2147483648", "1.5", "\"1\"", "null", h.Number()])),
        ("share", () => h.Pick(["0.1", "0.5", "0.51", "0", "0.0009", "-0.1", "1e308", "NaN", "\"0.1\"", h.Number()])),
    ]);

    private static string ExperimentId(HostileInput h) => h.Chance(50) ? h.Pick(["1", "0", "-1", "9223372036854775807", "9223372036854775808"]) : h.Segment();

    private static string RetrainBody(HostileInput h) => h.Object(
    [
        ("factors", () => h.Number() is var n && double.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out _) ? n : "8"),
        ("epochs", () => h.Pick(["10", "0", "-5", "1e9", "2147483648", "\"x\""])),
        ("learningRate", () => h.Pick(["0.01", "0", "-1", "1e308", "NaN"])),
        ("regularization", () => h.Pick(["0.05", "-0.1", "1e400"])),
    ]);
}
