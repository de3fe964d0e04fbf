using System.Globalization;

namespace RecommenderService.Api.Tests.Items.PopularItems;

/// <summary>Popularity:WindowDays counts only ratings dated on the last N UTC days (today and N days back).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PopularityWindowTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Popularity:WindowDays"] = "7",
    };

    [Fact]
    public async Task Only_ratings_dated_inside_the_window_count()
    {
        var noon = DateTime.UtcNow.Date.AddHours(12);
        string Day(int daysBack) => noon.AddDays(-daysBack).ToString("O", CultureInfo.InvariantCulture);
        var justNow = DateTime.UtcNow.AddSeconds(-5).ToString("O", CultureInfo.InvariantCulture);
        var ratings = Enumerable.Range(0, 20).SelectMany(u => new object[]
        {
            new { userId = $"w{u}", itemId = "long-ago", rating = 5, timestamp = Day(30) },
            new { userId = $"w{u}", itemId = "just-outside", rating = 5, timestamp = Day(8) },
            new { userId = $"w{u}", itemId = "first-day-in", rating = 4, timestamp = Day(7) },
            new { userId = $"w{u}", itemId = "today", rating = 3, timestamp = justNow },
        });
        var client = Factory.CreateClientAsClient();
        (await client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings })).EnsureSuccessStatusCode();

        string[] seen = [];
        var windowed = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
        {
            var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/items/popular");
            seen = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
            return seen.Length > 0;
        });

        Assert.True(windowed);
        Assert.Equal(["first-day-in", "today"], seen);
    }
}
