using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// Data where every rating has the same value ("likes" imported as 5 stars, thumbs-up events): the stars say nothing
/// beyond "chosen", so a model can only be worth serving for its lists.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UnaryFeedbackTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => RetrainSettings.JobsOn();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Users choose within their cluster (as ClusteredRatings), but every choice is recorded as 5 stars.
        var clustered = TestData.ClusteredRatings();
        var likes = new RatingSet(clustered.Users, clustered.Items, clustered.User, clustered.Item,
            Enumerable.Repeat(5f, clustered.Count).ToArray(), clustered.Time);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, likes, DateTimeOffset.UtcNow.AddHours(-2));
    }

    [Fact]
    public async Task A_model_of_likes_only_is_activated_for_its_lists_though_no_rating_model_can_beat_the_biases()
    {
        var admin = Admin;

        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(admin, RetrainSettings.Good);

        Assert.True(job.GetProperty("modelStatus").GetString() == "active", job.ToString());
        var version = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/model/versions"))
            .EnumerateArray().Single(v => v.GetProperty("status").GetString() == "active");
        var metrics = version.GetProperty("metrics");
        Assert.Equal("ranking-head", metrics.GetProperty("listSource").GetString());
        Assert.True(metrics.GetProperty("ndcgAt10").GetDouble() > metrics.GetProperty("popularityNdcgAt10").GetDouble(), metrics.ToString());
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/1/recommendations");
        Assert.Equal("model", list.GetProperty("strategy").GetString());
        // User "1" is the generator's first user, cluster 0: a list of likes follows the cluster they chose from
        // (a random list would hold 2 of its items in 10).
        var own = list.GetProperty("items").EnumerateArray().Count(i => TestData.ClusterOf(i.GetProperty("itemId").GetString()!) == 0);
        Assert.True(own >= 7, list.ToString());
        // Every damped mean is 5, so "popular" means most liked: the popular list comes by rating count, not by id.
        var popular = await admin.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=20");
        var counts = popular.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("ratingCount").GetInt32()).ToArray();
        Assert.Equal(counts.OrderByDescending(c => c), counts);
        Assert.True(counts[0] > counts[^1], popular.ToString());
    }
}
