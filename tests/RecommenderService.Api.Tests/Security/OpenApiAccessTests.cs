namespace RecommenderService.Api.Tests.Security;

/// <summary>The OpenAPI document tells a frontend team about user tokens, feed parameters and the batch item read.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenApiAccessTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_document_names_the_bearer_scheme_the_feed_parameters_and_the_batch_read()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, UserTokens.Settings());
        var client = factory.CreateClientWithKey(null);

        var document = await client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        var recommendations = paths.GetProperty("/api/v1/users/{userId}/recommendations").GetProperty("get");
        var names = recommendations.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        foreach (var name in new[] { "count", "offset", "exclude", "filter", "include", "excludeRated" }) Assert.Contains(name, names);
        var popular = paths.GetProperty("/api/v1/items/popular").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("filter", popular);
        var batch = paths.GetProperty("/api/v1/items").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("ids", batch);
    }
}
