namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// The settings that bound a list's work (<c>ItemIndex</c>, <c>Exploration:MaxCandidates</c>) are checked on start: a bad
/// value stops the service naming the setting.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ItemIndexSettingsTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("ItemIndex:MinItems", "0")]
    [InlineData("ItemIndex:Connectivity", "1")]
    [InlineData("ItemIndex:ExpansionAdd", "0")]
    [InlineData("ItemIndex:ExpansionSearch", "5000")]
    [InlineData("ItemIndex:Candidates", "0")]
    [InlineData("Exploration:MaxCandidates", "0")]
    public async Task A_setting_out_of_range_stops_the_service_at_start_naming_it(string key, string value)
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = new RecommenderApiFactory(database, new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.CreateClient());
        Assert.Contains(key, error.Message);
    }
}
