using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items.Feeds;

/// <summary>
/// Feed features of the lists: <c>offset</c> pages that concatenate to the long list, <c>exclude</c>,
/// attribute <c>filter</c>s applied before the cut (so a filtered page is full), <c>include=attributes</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FeedTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 5);

    // Every item gets genres (an array), a language (a string) and a year (a number).
    protected override async Task BeforeLoadAsync()
    {
        foreach (var item in Ratings.Items.Ids)
        {
            var k = int.Parse(item);
            var genres = (k % 3) switch { 0 => new[] { "Drama", "Sci-Fi" }, 1 => ["Comedy"], _ => ["Drama"] };
            (await Client.PutAsJsonAsync($"/api/v1/items/{item}",
                new { title = $"Film {k}", attributes = new { genres, language = k % 2 == 0 ? "en" : "fr", year = 1990 + k % 10 } }))
                .EnsureSuccessStatusCode();
        }
    }

    private string User => Ratings.Users[0];

    [Fact]
    public async Task Pages_concatenate_exactly_to_the_long_list()
    {
        var all = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=45&excludeRated=false"));

        var pages = new List<string>();
        foreach (var offset in new[] { 0, 15, 30 })
            pages.AddRange(Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=15&offset={offset}&excludeRated=false")));

        Assert.Equal(45, all.Count);
        Assert.Equal(all, pages);
        Assert.Equal(pages.Count, pages.Distinct().Count());
    }

    [Fact]
    public async Task A_page_past_the_end_is_short_or_empty()
    {
        var page = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=20&offset=50&excludeRated=false"));
        var beyond = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=20&offset=100&excludeRated=false"));

        Assert.Equal(10, page.Count); // 60 items
        Assert.Empty(beyond);
    }

    [Fact]
    public async Task Excluded_items_are_never_returned_and_the_page_stays_full()
    {
        var top = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=10"));
        var excluded = top.Take(3).ToList();

        var list = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=10&exclude={string.Join(",", excluded)},unknown-item"));

        Assert.Equal(10, list.Count);
        Assert.Empty(list.Intersect(excluded));
        Assert.Equal(top.Skip(3), list.Take(7));
    }

    [Fact]
    public async Task A_filter_keeps_matching_items_before_the_cut()
    {
        var long_ = await GetAsync($"/api/v1/users/{User}/recommendations?count=60&excludeRated=false&include=attributes");
        var dramas = long_.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("attributes").GetProperty("genres").EnumerateArray().Any(g => g.GetString() == "Drama"))
            .Select(i => i.GetProperty("itemId").GetString()!).ToList();

        var filtered = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=12&excludeRated=false&filter=genres:Drama"));
        var second = Ids(await GetAsync($"/api/v1/users/{User}/recommendations?count=12&offset=12&excludeRated=false&filter=genres:Drama"));

        Assert.Equal(40, dramas.Count);
        Assert.Equal(dramas.Take(12), filtered);
        Assert.Equal(dramas.Skip(12).Take(12), second);
    }

    [Fact]
    public async Task Attributes_nested_past_the_json_limit_in_a_row_written_around_the_api_are_left_out_not_a_500()
    {
        var path = $"/api/v1/users/{User}/recommendations?count=100&excludeRated=false&include=attributes";
        var first = Ids(await GetAsync(path))[0];
        var deep = new string('[', 100) + new string(']', 100);
        Assert.Equal(1, await TestData.ScalarAsync(Factory.ConnectionString,
            $"WITH u AS (UPDATE items SET attributes = '{{\"deep\": {deep}}}'::jsonb WHERE external_id = $1 RETURNING 1) SELECT count(*) FROM u", first));

        var response = await Client.GetAsync(path);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        var item = Assert.Single(items, i => i.GetProperty("itemId").GetString() == first);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("attributes").ValueKind);
        Assert.Contains(items, i => i.GetProperty("attributes").ValueKind == JsonValueKind.Object);
    }

    [Fact]
    public async Task Several_filters_must_all_hold_and_match_strings_and_numbers()
    {
        var list = await GetAsync($"/api/v1/users/{User}/recommendations?count=100&excludeRated=false&filter=genres:Sci-Fi&filter=language:en&include=attributes");
        var years = await GetAsync($"/api/v1/users/{User}/recommendations?count=100&excludeRated=false&filter=year:1993");

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10, items.Count); // multiples of 6 up to 60
        Assert.All(items, i => Assert.Equal(0, int.Parse(i.GetProperty("itemId").GetString()!) % 6));
        Assert.All(Ids(years), id => Assert.Equal(3, int.Parse(id) % 10));
        Assert.Equal(6, Ids(years).Count);
    }

    [Fact]
    public async Task A_new_user_gets_filtered_paged_popular_items()
    {
        var popular = Ids(await GetAsync("/api/v1/items/popular?count=60"));
        var comedies = popular.Where(id => int.Parse(id) % 3 == 1).ToList();

        var first = await GetAsync("/api/v1/users/nobody-yet/recommendations?count=5&filter=genres:Comedy");
        var second = Ids(await GetAsync($"/api/v1/users/nobody-yet/recommendations?count=5&offset=5&filter=genres:Comedy&exclude={comedies[0]}"));

        Assert.Equal("popularity", first.GetProperty("strategy").GetString());
        Assert.Equal(comedies.Take(5), Ids(first));
        Assert.Equal(comedies.Skip(1).Skip(5).Take(5), second);
    }

    [Fact]
    public async Task Popular_items_take_a_filter()
    {
        var popular = Ids(await GetAsync("/api/v1/items/popular?count=60"));

        var comedies = Ids(await GetAsync("/api/v1/items/popular?count=8&filter=genres:Comedy"));

        Assert.Equal(popular.Where(id => int.Parse(id) % 3 == 1).Take(8), comedies);
    }

    [Fact]
    public async Task Similar_items_take_a_filter()
    {
        var all = Ids(await GetAsync("/api/v1/items/1/similar?count=59"));

        var french = Ids(await GetAsync("/api/v1/items/1/similar?count=10&filter=language:fr"));

        Assert.Equal(all.Where(id => int.Parse(id) % 2 == 1).Take(10), french);
    }

    [Fact]
    public async Task Attributes_come_only_when_asked_for()
    {
        var plain = await GetAsync($"/api/v1/users/{User}/recommendations?count=3");
        var rich = await GetAsync($"/api/v1/users/{User}/recommendations?count=3&include=attributes");
        var popular = await GetAsync("/api/v1/items/popular?count=3&include=attributes");

        // Every field is always present: without include=attributes it is null.
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("items")[0].GetProperty("attributes").ValueKind);
        var first = rich.GetProperty("items")[0];
        var k = int.Parse(first.GetProperty("itemId").GetString()!);
        Assert.Equal($"Film {k}", first.GetProperty("title").GetString());
        Assert.Equal(1990 + k % 10, first.GetProperty("attributes").GetProperty("year").GetInt32());
        Assert.Equal(JsonValueKind.Array, popular.GetProperty("items")[0].GetProperty("attributes").GetProperty("genres").ValueKind);
    }

    [Theory]
    [InlineData("offset=-1")]
    [InlineData("offset=abc")]
    [InlineData("offset=450&count=60")]
    [InlineData("filter=genres")]
    [InlineData("filter=:Drama")]
    [InlineData("filter=genres:")]
    [InlineData("include=everything")]
    [InlineData("exclude=a,,b")]
    public async Task Bad_feed_parameters_are_a_400_problem(string query)
    {
        var response = await Client.GetAsync($"/api/v1/users/{User}/recommendations?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task More_than_200_excluded_ids_are_a_400_problem()
    {
        var ids = string.Join(",", Enumerable.Range(0, 201).Select(k => $"x{k}"));

        var response = await Client.GetAsync($"/api/v1/users/{User}/recommendations?exclude={ids}");
        var bad = await Client.GetAsync("/api/v1/items/popular?filter=nocolon");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<string> Ids(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();
}
