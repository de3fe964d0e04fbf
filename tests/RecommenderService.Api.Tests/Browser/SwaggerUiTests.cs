using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Browser;

/// <summary>
/// Swagger UI works as shown, in a real browser against the real host: a product person authorizes with a
/// client key and executes the routes with the values and example body the document fills in.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SwaggerUiTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Recommendations_and_a_rating_execute_from_Swagger_UI_with_the_example_values()
    {
        if (!NodeScript.RequireOrSkip(new OutputAdapter(output))) return;
        await using var host = await KestrelApiFactory.StartAsync(postgres);
        var (code, text) = await NodeScript.RunAsync("swagger.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = host.BaseAddress,
            ["API_KEY"] = RecommenderApiFactory.ClientKey,
        }, TimeSpan.FromSeconds(120));
        output.WriteLine(text);

        Assert.True(code == 0, text);
        Assert.Contains("GetRecommendations: 200", text);
        Assert.Contains("PutRating: 201", text);
        // What the page showed is what the service did: the rating from the example body is stored.
        var stored = await TestData.ScalarAsync(host.Factory.ConnectionString,
            "SELECT count(*) FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id WHERE u.external_id = '196' AND i.external_id = '242' AND r.value = 4.5");
        Assert.Equal(1, stored);
    }
}
