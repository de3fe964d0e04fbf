using RecommenderService.Api.Items.PopularItems;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// The attack: one end user's token batches 10,000 five-star ratings of made-up item ids. By default it is refused
/// and creates nothing; where user tokens may create items, the items still stay off the popular lists and the
/// prior (the global mean every damped mean leans on) does not move, so a brand-new visitor is served what many
/// users rated, as before.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PopularTakeoverTests(PostgresFixture postgres)
{
    private static readonly int DefaultMinimumRaters = new PopularityOptions().MinimumRaters;

    [Fact]
    public async Task By_default_a_user_token_cannot_rate_items_that_do_not_exist_and_creates_none()
    {
        await using var factory = await StartAsync(postgres, mayCreate: false);
        var before = await FingerprintAsync(factory.ConnectionString);
        var mallory = UserTokens.ClientFor(factory, UserTokens.For("mallory"));

        var batch = await mallory.PostAsync("/api/v1/ratings/batch", AttackBatch());
        var single = await mallory.PutAsJsonAsync("/api/v1/users/mallory/ratings/made-up-1", new { rating = 5 });
        var after = await FingerprintAsync(factory.ConnectionString);
        var existing = await mallory.PutAsJsonAsync("/api/v1/users/mallory/ratings/classic-0", new { rating = 5 });

        var problem = await AssertProblemAsync(batch, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("ratings[0].itemId", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").EnumerateObject().Count() <= 10, problem.ToString());
        await AssertProblemAsync(single, HttpStatusCode.NotFound);
        Assert.Equal(before, after);
        Assert.Equal(HttpStatusCode.Created, existing.StatusCode);
        Assert.Equal(0, await CountAsync(factory, "SELECT count(*) FROM items WHERE external_id LIKE 'made-up-%'"));
    }

    [Fact]
    public async Task Where_user_tokens_may_create_items_one_users_ratings_neither_enter_the_popular_list_nor_move_its_prior()
    {
        await using var factory = await StartAsync(postgres, mayCreate: true);
        var popularity = factory.Services.GetRequiredService<PopularityCache>();
        var newcomer = factory.CreateClientAsClient();
        var listBefore = await NewcomerListAsync(newcomer, popularity);
        var meanBefore = (await popularity.RefreshAsync(CancellationToken.None)).GlobalMean;
        var mallory = UserTokens.ClientFor(factory, UserTokens.For("mallory"));

        var attack = await mallory.PostAsync("/api/v1/ratings/batch", AttackBatch());
        var listAfter = await NewcomerListAsync(newcomer, popularity);
        var meanAfter = (await popularity.RefreshAsync(CancellationToken.None)).GlobalMean;

        Assert.Equal(HttpStatusCode.OK, attack.StatusCode);
        Assert.Equal(10_000, await CountAsync(factory, "SELECT count(*) FROM ratings r JOIN users u ON u.id = r.user_id WHERE u.external_id = 'mallory'"));
        Assert.Equal(listBefore, listAfter);
        Assert.Equal(meanBefore, meanAfter, 9);
        Assert.DoesNotContain(listAfter, entry => entry.StartsWith("made-up-", StringComparison.Ordinal));
    }

    /// <summary>Ten catalogue items, each rated by five users (3 or 4 stars), at the service's default popularity settings.</summary>
    private static async Task<RecommenderApiFactory> StartAsync(PostgresFixture postgres, bool mayCreate)
    {
        var settings = UserTokens.Settings(new()
        {
            ["RateLimiting:Enabled"] = "false",
            ["Popularity:MinimumRaters"] = DefaultMinimumRaters.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Left unset otherwise: the default is what is under test.
        if (mayCreate) settings["Ingest:UserTokensMayCreateItems"] = "true";
        var factory = await RecommenderApiFactory.CreateAsync(postgres, settings);
        var admin = factory.CreateClientAsAdmin();
        var csv = new StringBuilder();
        for (var item = 0; item < 10; item++)
        for (var user = 0; user < 5; user++)
            csv.Append($"fan-{user},classic-{item},{3 + (item + user) % 2}\n");
        (await admin.PostAsync("/api/v1/ratings/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        return factory;
    }

    private static StringContent AttackBatch()
    {
        var ratings = Enumerable.Range(0, 10_000).Select(k => new { userId = "mallory", itemId = $"made-up-{k}", rating = 5 });
        return new StringContent(JsonSerializer.Serialize(new { ratings }), Encoding.UTF8, "application/json");
    }

    /// <summary>What a brand-new visitor is served, after the list has taken in every write: ids with their scores.</summary>
    private static async Task<string[]> NewcomerListAsync(HttpClient client, PopularityCache popularity)
    {
        await popularity.RefreshAsync(CancellationToken.None);
        var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/users/brand-new-visitor/recommendations?count=100");
        return body.GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("itemId").GetString()}={i.GetProperty("score").GetDouble():F6}").ToArray();
    }

    private static async Task<long> CountAsync(RecommenderApiFactory factory, string sql)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
