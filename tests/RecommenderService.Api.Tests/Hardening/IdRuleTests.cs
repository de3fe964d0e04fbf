using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Ids round-trip: whatever a caller can create (JSON, batch, CSV) it can reach and erase by path. Non-BMP
/// characters (emoji) are ids like any other; '/' is refused everywhere, because a path cannot carry it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IdRuleTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private const string Emoji = "\U0001F600-user";
    private const string Clef = "item-\U0001D11E";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/users/u0/ratings/i0", """{"rating": 3}"""));
    }

    private static string Path(string id) => Uri.EscapeDataString(id);

    [Fact]
    public async Task Emoji_ids_are_accepted_by_path_batch_and_import_and_round_trip()
    {
        var put = await Admin.PutAsJsonAsync($"/api/v1/users/{Path(Emoji)}/ratings/{Path(Clef)}", new { rating = 4 });
        var batch = await Admin.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = new[] { new { userId = Emoji, itemId = "\U0001F3B8", rating = 5 } } });
        var import = await Admin.PostAsync("/api/v1/ratings/import", new StringContent($"\U0001F47E,{Clef},2\n", Encoding.UTF8, "text/csv"));
        var item = await Admin.PutAsJsonAsync($"/api/v1/items/{Path(Clef)}", new { title = "\U0001D11E clef" });

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        var list = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Path(Emoji)}/ratings");
        var items = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "item-\U0001D11E", "\U0001F3B8" }.Order(StringComparer.Ordinal), items);
        Assert.Equal("\U0001D11E clef", (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/items/{Path(Clef)}")).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/users/{Path("\U0001F47E")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/users/{Path(Emoji)}")).StatusCode);
    }

    [Fact]
    public async Task A_slash_in_a_json_id_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var batch = await Admin.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = new[] { new { userId = "u1", itemId = "a/b", rating = 3 } } });

        var problem = await AssertFieldProblemAsync(batch, "ratings[0].itemId");
        Assert.Contains("'/'", problem.GetProperty("errors").GetProperty("ratings[0].itemId")[0].GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }

    [Fact]
    public async Task A_slash_in_a_csv_id_is_refused_naming_the_line()
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var import = await Admin.PostAsync("/api/v1/ratings/import", new StringContent("u1,i1,3\nx/y,i1,3\n", Encoding.UTF8, "text/csv"));

        var problem = await AssertFieldProblemAsync(import, "line 2");
        Assert.Contains("'/'", problem.GetProperty("errors").GetProperty("line 2")[0].GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }

    [Theory]
    [InlineData("PUT", "/api/v1/users/a%2Fb/ratings/i1", "userId")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/a%2fb", "itemId")]
    [InlineData("GET", "/api/v1/users/a%2Fb/ratings", "userId")]
    [InlineData("GET", "/api/v1/users/a%2Fb/recommendations", "userId")]
    [InlineData("GET", "/api/v1/users/u0/predictions/a%2Fb", "itemId")]
    [InlineData("DELETE", "/api/v1/users/a%2Fb", "userId")]
    [InlineData("DELETE", "/api/v1/users/u0/ratings/a%2Fb", "itemId")]
    [InlineData("PUT", "/api/v1/items/a%2Fb", "itemId")]
    [InlineData("GET", "/api/v1/items/a%2Fb", "itemId")]
    [InlineData("GET", "/api/v1/items/a%2Fb/similar", "itemId")]
    public async Task An_encoded_slash_in_a_path_id_is_refused_naming_the_parameter(string method, string path, string field)
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var response = await Admin.SendAsync(Raw(new HttpMethod(method), path, method == "PUT" ? """{"rating": 3, "title": "t"}""" : null));

        var problem = await AssertFieldProblemAsync(response, field);
        Assert.Contains("'/'", problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }
}
