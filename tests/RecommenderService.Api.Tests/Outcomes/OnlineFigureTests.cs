using RecommenderService.Api.Tests.Observability;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>
/// Online figures: the lists a version served and what happened to them, counted from the events and ratings that cite
/// them, with Wilson intervals, on the versions route and in Prometheus.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OnlineFigureTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 11);

    protected override Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false", ["Outcomes:FiguresCacheSeconds"] = "0" };

    [Fact]
    public async Task A_versions_online_block_counts_its_lists_with_a_click_a_liked_rating_and_each_event_type_with_wilson_intervals()
    {
        var lists = new List<(string Id, string[] Items, string User)>();
        foreach (var user in Ratings.Users.Ids.Take(4))
        {
            var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
            lists.Add((list.GetProperty("recommendationId").GetString()!, list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray(), user));
        }
        var (a, b, c, _) = (lists[0], lists[1], lists[2], lists[3]);
        var unlisted = Model.Items.Ids.First(i => !b.Items.Contains(i));
        (await Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new object[]
            {
                new { userId = a.User, itemId = a.Items[0], type = "click", recommendationId = a.Id },
                new { userId = a.User, itemId = a.Items[1], type = "click", recommendationId = a.Id }, // the same list counts once
                new { userId = b.User, itemId = unlisted, type = "click", recommendationId = b.Id },   // not an item it showed
                new { userId = c.User, itemId = c.Items[2], type = "purchase", recommendationId = c.Id, value = 9.5 },
                new { userId = c.User, itemId = c.Items[2], type = "click" },                          // cites no list
            },
        })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync($"/api/v1/users/{a.User}/ratings/{a.Items[3]}", new { rating = 5, recommendationId = a.Id })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync($"/api/v1/users/{b.User}/ratings/{b.Items[3]}", new { rating = 2, recommendationId = b.Id })).EnsureSuccessStatusCode();
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(15),
            async () => await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions") == 4));

        var versions = await Client.GetFromJsonAsync<JsonElement>("/api/v1/model/versions");
        var metrics = await MetricsText.ScrapeAsync(Client);

        var online = versions.EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == Version).GetProperty("online");
        Assert.Equal(24, online.GetProperty("windowHours").GetInt32());
        Assert.Equal(4, online.GetProperty("impressions").GetInt64());
        AssertRate(online.GetProperty("clickThrough"), 1, 4);
        AssertRate(online.GetProperty("likedRating"), 1, 4);
        AssertRate(online.GetProperty("conversions").GetProperty("purchase"), 1, 4);
        AssertRate(online.GetProperty("conversions").GetProperty("cart"), 0, 4);
        var segments = online.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(4, segments.Sum(s => s.GetProperty("impressions").GetInt64()));
        Assert.Equal(1, segments.Sum(s => s.GetProperty("clickThrough").GetProperty("count").GetInt64()));
        Assert.Equal(0.25, metrics["recommender_online_rate{model=\"active\",strategy=\"all\",source=\"all\",figure=\"click_through\"}"], 6);
        Assert.Equal(4, metrics["recommender_online_impressions{model=\"active\",strategy=\"all\",source=\"all\"}"]);
    }

    [Fact]
    public async Task A_version_that_served_no_lists_has_an_empty_online_block()
    {
        var active = await Client.GetFromJsonAsync<JsonElement>("/api/v1/model");

        var online = active.GetProperty("online");
        Assert.Equal(0, online.GetProperty("impressions").GetInt64());
        AssertRate(online.GetProperty("clickThrough"), 0, 0);
        Assert.Empty(online.GetProperty("segments").EnumerateArray());
    }

    private static void AssertRate(JsonElement rate, long count, long lists)
    {
        var expected = ProportionInterval.Wilson(count, lists);
        Assert.Equal(count, rate.GetProperty("count").GetInt64());
        Assert.Equal(expected.Rate, rate.GetProperty("rate").GetDouble(), 6);
        Assert.Equal(expected.Low, rate.GetProperty("low").GetDouble(), 6);
        Assert.Equal(expected.High, rate.GetProperty("high").GetDouble(), 6);
    }
}
