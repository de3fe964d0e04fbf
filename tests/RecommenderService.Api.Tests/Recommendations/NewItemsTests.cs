using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Recommendations;

namespace RecommenderService.Api.Tests.Recommendations;

/// <summary>
/// The new items a list's exploration slots choose among: every list scores them all for its user, so when a whole
/// catalogue is new (imported at once) they are the newest <c>Exploration:MaxCandidates</c>, not every item.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NewItemsTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    // Every item of the generated ratings counts as new by its ratings; three candidates at the most.
    protected override Dictionary<string, string?> Settings =>
        new(base.Settings) { ["Exploration:MaxRatings"] = "1000000", ["Exploration:MaxCandidates"] = "3" };

    [Fact]
    public async Task When_every_item_is_new_exploration_chooses_among_the_newest_only()
    {
        await TestData.ScalarAsync(Factory.ConnectionString, "WITH u AS (UPDATE items SET created_at = now() - interval '2 days' RETURNING 1) SELECT count(*) FROM u");
        await TestData.ScalarAsync(Factory.ConnectionString,
            "WITH u AS (UPDATE items SET created_at = now() - interval '1 hour' WHERE external_id IN ('5', '9', '12', '40') RETURNING 1) SELECT count(*) FROM u");
        await TestData.ScalarAsync(Factory.ConnectionString,
            "WITH u AS (UPDATE items SET created_at = now() - interval '2 hours' WHERE external_id = '40' RETURNING 1) SELECT count(*) FROM u");
        var serving = Factory.Services.GetRequiredService<ModelHolder>().Current!;

        var fresh = await Factory.Services.GetRequiredService<NewItems>().ForAsync(serving, CancellationToken.None);

        var expected = new[] { "5", "9", "12" }.Select(id => serving.Model.Items.TryGetIndex(id, out var index) ? index : -1).Order();
        Assert.Equal(expected, fresh);
    }
}
