using System.Text.Json.Nodes;

namespace RecommenderService.Api.Tests.OpenApi;

/// <summary>Query parameters read as text (so their errors are the service's own) are documented as the numbers they must be, with their bounds.</summary>
[Collection(PostgresCollection.Name)]
public sealed class QueryParameterTypeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private JsonNode _served = null!;

    public async Task InitializeAsync()
    {
        _factory = await RecommenderApiFactory.CreateAsync(postgres);
        using var anonymous = _factory.CreateClient();
        _served = JsonNode.Parse(await anonymous.GetStringAsync("/swagger/v1/swagger.json"))!;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/users/{userId}/recommendations", "offset", 0, 499)]
    [InlineData("/api/v1/users/{userId}/ratings", "limit", 1, 1000)]
    public void A_numeric_query_parameter_is_an_integer_with_its_bounds(string path, string name, int minimum, int maximum)
    {
        var parameter = _served["paths"]![path]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
        var schema = parameter["schema"]!;

        Assert.Equal("integer", schema["type"]!.GetValue<string>());
        Assert.Equal(minimum, schema["minimum"]!.GetValue<int>());
        Assert.Equal(maximum, schema["maximum"]!.GetValue<int>());
    }
}
