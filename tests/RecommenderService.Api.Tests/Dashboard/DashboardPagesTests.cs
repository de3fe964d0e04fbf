using System.Text.RegularExpressions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Dashboard;

/// <summary>
/// The pages over real HTTP against a service with a model and a catalogue: they show what the API answers, refuse
/// bad input as the API does, and change something only through a confirmed form that carries its antiforgery token.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class DashboardPagesTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private int _previous;

    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 5);

    // Online figures read fresh, so a list's outcome shows on the next page.
    protected override Dictionary<string, string?> Settings => new() { ["RateLimiting:Enabled"] = "false", ["Outcomes:FiguresCacheSeconds"] = "0" };

    // A catalogue (titles and genres), and an older version to roll back to: the seeded model is stored again as
    // version 2, so version 1 is superseded.
    protected override async Task BeforeLoadAsync()
    {
        foreach (var item in Ratings.Items.Ids)
        {
            var k = int.Parse(item);
            (await Client.PutAsJsonAsync($"/api/v1/items/{item}",
                new { title = $"Film {k}", attributes = new { genres = k % 3 == 0 ? new[] { "Drama", "Sci-Fi" } : ["Comedy"] } }))
                .EnsureSuccessStatusCode();
        }
        _previous = Version;
        await TestData.StoreActiveModelAsync(Factory.ConnectionString, Model, TrainedAt,
            metrics: """{"rmse": 0.88, "baselineRmse": 0.95, "ndcgAt10": 0.12, "popularityNdcgAt10": 0.07, "servedPopularityNdcgAt10": 0.05, "listSource": "rating-head"}""");
    }

    private string User => Ratings.Users[0];

    [Fact]
    public async Task The_users_page_shows_the_list_the_api_gives_with_filter_and_exclude()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var full = await RecommendationIdsAsync($"/api/v1/users/{User}/recommendations?count=10");
        var query = $"count=8&filter=genres:Comedy&exclude={full[0]},{full[1]}";

        var page = await browser.GetPageAsync($"/dashboard/users?user={User}&{query}");
        var api = await RecommendationIdsAsync($"/api/v1/users/{User}/recommendations?{query}");

        Assert.Equal(8, api.Count);
        Assert.Equal(api, ListedIds(page));
        Assert.DoesNotContain(full[0], ListedIds(page));
        Assert.Contains("Film ", page);
        Assert.Contains("<dd id=\"strategy\">model</dd>", page);
    }

    [Fact]
    public async Task The_users_page_shows_the_users_ratings_with_titles()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var item = Ratings.Items[Ratings.Item[Array.IndexOf(Ratings.User, 0)]];

        var page = await browser.GetPageAsync($"/dashboard/users?user={User}");

        Assert.Contains($"Film {int.Parse(item)}</a> <span class=\"id muted\">{item}</span>", page);
    }

    [Fact]
    public async Task The_users_page_refuses_what_the_api_refuses_and_names_the_field()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var response = await browser.Http.GetAsync($"/dashboard/users?user={User}&count=500&filter=genres");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<strong>count</strong>", page);
        Assert.Contains("<strong>filter</strong>", page);
        Assert.Empty(ListedIds(page));
    }

    [Fact]
    public async Task The_items_page_shows_an_items_data_histogram_similar_items_and_the_popular_list()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var item = Ratings.Items.Ids.First();
        var similar = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}/similar?count=10");
        var popular = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/items/popular?count=20&by=damped-mean");

        var page = await browser.GetPageAsync($"/dashboard/items?item={item}");

        Assert.Contains($"<h2 id=\"item-heading\">Film {int.Parse(item)}</h2>", page);
        Assert.Contains("role=\"img\" aria-labelledby=\"histogram-title histogram-desc\"", page);
        Assert.Equal(Ids(similar.GetProperty("items")), IdsOfTable(page, "similar"));
        Assert.Equal(Ids(popular.GetProperty("items")), IdsOfTable(page, "popular"));
    }

    [Fact]
    public async Task The_items_page_answers_an_unknown_item_with_404()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var response = await browser.Http.GetAsync("/dashboard/items?item=no-such-item");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No item &#x27;no-such-item&#x27; is known", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_model_page_charts_the_versions_and_offers_a_rollback()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var page = await browser.GetPageAsync("/dashboard/model");

        Assert.Contains("<title id=\"rmse-chart-title\">Holdout RMSE by version</title>", page);
        Assert.Contains("<polyline class=\"line series-0\"", page);
        Assert.Contains($"<a class=\"button secondary\" href=\"/dashboard/model/versions/{_previous}/activate\">Roll back to version {_previous}…</a>", page);
    }

    [Fact]
    public async Task A_rollback_is_confirmed_then_activates_the_version_through_the_rollout()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var confirm = $"/dashboard/model/versions/{_previous}/activate";

        var question = await browser.GetPageAsync(confirm);
        Assert.Contains($"Roll back to version {_previous}?", question);
        Assert.False(await IsActiveAsync(_previous));

        var response = await browser.SubmitAsync(confirm, confirm, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/dashboard/model?activated={_previous}", response.Headers.Location!.OriginalString);
        Assert.True(await IsActiveAsync(_previous));
        var model = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/model");
        Assert.Equal(_previous, model.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_activation_posted_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var active = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("version").GetInt32();

        // What a foreign page can make a signed-in browser send: the session cookie, the form, no token.
        var forged = await browser.Http.PostAsync($"/dashboard/model/versions/{_previous}/activate", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(await IsActiveAsync(_previous));
        Assert.Equal(active, (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_unknown_version_has_no_confirmation_page()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var response = await browser.Http.GetAsync("/dashboard/model/versions/999/activate");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_training_page_says_when_this_replica_runs_no_jobs_and_lists_the_last_trainings()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var page = await browser.GetPageAsync("/dashboard/training");

        Assert.Contains("This replica runs without jobs", page);
        Assert.Contains($"<th scope=\"row\">{_previous}</th>", page);
    }

    [Fact]
    public async Task The_outcomes_page_says_that_no_outcomes_are_recorded_yet()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var page = await browser.GetPageAsync("/dashboard/outcomes");

        Assert.Contains("No outcomes are recorded yet.", page);
    }

    [Fact]
    public async Task The_outcomes_page_shows_the_click_through_of_the_lists_a_version_served()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{User}/recommendations?count=5");
        var listed = list.GetProperty("items")[0].GetProperty("itemId").GetString();
        (await Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new[] { new { userId = User, itemId = listed, type = "click", recommendationId = list.GetProperty("recommendationId").GetString() } },
        })).EnsureSuccessStatusCode();
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(15),
            async () => await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions") == 1));

        var active = (await Client.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("version").GetInt32();

        var page = await browser.GetPageAsync("/dashboard/outcomes");

        Assert.DoesNotContain("No outcomes are recorded yet.", page);
        var row = Regex.Match(page, $@"<th scope=""row"">{active}</th>\s*<td>all</td>\s*<td>click-through</td>\s*<td class=""num"">1</td>\s*<td class=""num"">1</td>");
        Assert.True(row.Success, page);
    }

    [Fact]
    public async Task The_style_sheet_is_served_from_the_service_without_a_session()
    {
        var page = await new DashboardSession(Factory).GetPageAsync("/dashboard/sign-in");
        var href = Regex.Match(page, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;

        var response = await Factory.CreateClient().GetAsync(WebUtility.HtmlDecode(href));

        Assert.StartsWith("/dashboard/assets/dashboard.css?v=", WebUtility.HtmlDecode(href));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("@media (max-width: 800px)", await response.Content.ReadAsStringAsync());
    }

    private async Task<List<string>> RecommendationIdsAsync(string path) =>
        Ids((await Client.GetFromJsonAsync<JsonElement>(path)).GetProperty("items"));

    private static List<string> Ids(JsonElement items) => items.EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToList();

    private static List<string> ListedIds(string page) => IdsOfTable(page, "recommendations");

    private static List<string> IdsOfTable(string page, string table)
    {
        var start = page.IndexOf($"<table id=\"{table}\"", StringComparison.Ordinal);
        if (start < 0) return [];
        var html = page[start..page.IndexOf("</table>", start, StringComparison.Ordinal)];
        return ItemRow().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
    }

    private async Task<bool> IsActiveAsync(int version) =>
        await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM model_versions WHERE version = $1 AND status = 'active'", version) == 1;

    [GeneratedRegex("<tr data-item-id=\"([^\"]+)\"")]
    private static partial Regex ItemRow();
}
