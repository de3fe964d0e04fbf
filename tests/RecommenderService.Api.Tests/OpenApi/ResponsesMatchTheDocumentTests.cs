using System.Text.Json.Nodes;


namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>
/// What the service really answers, checked against what its OpenAPI document promises: every required field
/// sent, nothing undocumented, null only where nullable, enums kept, every error a Problem with a traceId. The
/// request bodies are the document's own examples, so they are known to succeed as Swagger UI sends them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResponsesMatchTheDocumentTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private JsonNode _document = null!;
    private OpenApiSchemaCheck _check = null!;

    // The service as deployed: rate limiting on, so its headers are checked against the document too.
    protected override Dictionary<string, string?> Settings => new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _document = JsonNode.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        _check = new OpenApiSchemaCheck(_document);
    }

    [Fact]
    public async Task Rating_writes_with_the_documented_examples_succeed_and_answer_as_documented()
    {
        const string put = "/api/v1/users/{userId}/ratings/{itemId}";
        var example = Example("RatingWriteRequest");
        var created = await Client.PutAsync("/api/v1/users/doc-user/ratings/doc-item", Json(example));
        await AssertMatches(created, "put", put, 201);
        var replaced = await Client.PutAsync("/api/v1/users/doc-user/ratings/doc-item", Json(example));
        await AssertMatches(replaced, "put", put, 200);

        var batch = await Client.PostAsync("/api/v1/ratings/batch", Json(Example("RatingBatchRequest")));
        await AssertMatches(batch, "post", "/api/v1/ratings/batch", 200);

        var csv = _document["paths"]!["/api/v1/ratings/import"]!["post"]!["requestBody"]!["content"]!["text/csv"]!["example"]!.GetValue<string>();
        using var admin = Factory.CreateClientAsAdmin();
        var imported = await admin.PostAsync("/api/v1/ratings/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        await AssertMatches(imported, "post", "/api/v1/ratings/import", 200);

        var list = await Client.GetAsync("/api/v1/users/doc-user/ratings?limit=1");
        await AssertMatches(list, "get", "/api/v1/users/{userId}/ratings", 200);

        var item = await Client.PutAsync("/api/v1/items/doc-item", Json(Example("ItemRequest")));
        await AssertMatches(item, "put", "/api/v1/items/{itemId}", 200);
        var unknownItem = await Client.PutAsync("/api/v1/items/doc-new-item", Json(Example("ItemRequest")));
        await AssertMatches(unknownItem, "put", "/api/v1/items/{itemId}", 201);
        await AssertMatches(await Client.GetAsync("/api/v1/items/doc-item"), "get", "/api/v1/items/{itemId}", 200);

        await AssertMatches(await Client.DeleteAsync("/api/v1/users/doc-user/ratings/doc-item"), "delete", put, 204);
    }

    [Fact]
    public async Task Lists_and_predictions_answer_as_documented_for_every_strategy()
    {
        const string recommendations = "/api/v1/users/{userId}/recommendations";
        var personal = await Client.GetAsync("/api/v1/users/1/recommendations?count=5");
        var body = await AssertMatches(personal, "get", recommendations, 200);
        Assert.Equal("model", body.GetProperty("strategy").GetString());

        // A new visitor: popularity, with predictedRating sent as null (the document says it is nullable and required).
        var cold = await AssertMatches(await Client.GetAsync("/api/v1/users/never-seen/recommendations"), "get", recommendations, 200);
        Assert.Equal("popularity", cold.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Null, cold.GetProperty("items")[0].GetProperty("predictedRating").ValueKind);

        await AssertMatches(await Client.GetAsync("/api/v1/users/1/predictions/1"), "get", "/api/v1/users/{userId}/predictions/{itemId}", 200);
        await AssertMatches(await Client.GetAsync("/api/v1/items/popular?count=3"), "get", "/api/v1/items/popular", 200);
        await AssertMatches(await Client.GetAsync("/api/v1/items/1/similar?count=3"), "get", "/api/v1/items/{itemId}/similar", 200);
        await AssertMatches(await Client.GetAsync("/api/v1/model"), "get", "/api/v1/model", 200);
        await AssertMatches(await Client.GetAsync("/api/v1/model/versions"), "get", "/api/v1/model/versions", 200);
    }

    [Fact]
    public async Task Errors_are_problems_as_documented()
    {
        const string put = "/api/v1/users/{userId}/ratings/{itemId}";
        var wrongType = await Client.PutAsync("/api/v1/users/u/ratings/i", Json(JsonNode.Parse("""{"rating": "five stars"}""")!));
        var problem = await AssertMatches(wrongType, "put", put, 400, "application/problem+json");
        Assert.True(problem.GetProperty("errors").TryGetProperty("rating", out _));

        var notJson = await Client.PutAsync("/api/v1/users/u/ratings/i", new StringContent("rating=5", Encoding.UTF8, "text/plain"));
        await AssertMatches(notJson, "put", put, 415, "application/problem+json");

        // Bodies the framework binds (not this service's own reader) answer 415 as a problem too.
        var itemNotJson = await Client.PutAsync("/api/v1/items/i", new StringContent("title=x", Encoding.UTF8, "text/plain"));
        await AssertMatches(itemNotJson, "put", "/api/v1/items/{itemId}", 415, "application/problem+json");

        var tooLarge = await Client.PutAsync("/api/v1/users/u/ratings/i",
            new StringContent($$"""{"rating": 4, "padding": "{{new string('x', 70 * 1024)}}"}""", Encoding.UTF8, "application/json"));
        await AssertMatches(tooLarge, "put", put, 413, "application/problem+json");

        using var anonymous = Factory.CreateClientWithKey(null);
        await AssertMatches(await anonymous.GetAsync("/api/v1/users/1/recommendations"), "get", "/api/v1/users/{userId}/recommendations", 401, "application/problem+json");
        await AssertMatches(await Client.DeleteAsync("/api/v1/users/1"), "delete", "/api/v1/users/{userId}", 403, "application/problem+json");
        await AssertMatches(await Client.GetAsync("/api/v1/items/never-seen"), "get", "/api/v1/items/{itemId}", 404, "application/problem+json");
        await AssertMatches(await Client.GetAsync("/api/v1/items/never-seen-item/similar"), "get", "/api/v1/items/{itemId}/similar", 404, "application/problem+json");
        await AssertMatches(await Client.GetAsync("/api/v1/users/1/ratings?limit=5000"), "get", "/api/v1/users/{userId}/ratings", 400, "application/problem+json");

        // This host runs without jobs: the retrain says so with a 503 problem.
        using var admin = Factory.CreateClientAsAdmin();
        await AssertMatches(await admin.PostAsync("/api/v1/model/retrain", Json(Example("RetrainParameters"))), "post", "/api/v1/model/retrain", 503, "application/problem+json");
    }

    private JsonNode Example(string schema) =>
        _document["components"]!["schemas"]![schema]!["example"]?.DeepClone()
        ?? throw new InvalidOperationException($"The document has no example for {schema}.");

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<JsonElement> AssertMatches(HttpResponseMessage response, string method, string path, int status, string mediaType = "application/json")
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{method.ToUpperInvariant()} {path}: expected {status}, got {(int)response.StatusCode}: {text}");
        if (status == (int)HttpStatusCode.NoContent) return default;
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        using var parsed = JsonDocument.Parse(text);
        var problems = _check.Check(parsed.RootElement, _check.ResponseSchema(method, path, status, mediaType));
        Assert.True(problems.Count == 0, $"{method.ToUpperInvariant()} {path} {status} does not match the document:\n{string.Join("\n", problems)}\n{text}");
        return parsed.RootElement.Clone();
    }
}
