using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Ratings.Import;

/// <summary>POST /api/v1/ratings/import: CSV bulk load through COPY, admin only, all or nothing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RatingImportTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync(postgres);
        _admin = _factory.CreateClientAsAdmin();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<HttpResponseMessage> ImportAsync(string csv, string contentType = "text/csv", HttpClient? client = null) =>
        (client ?? _admin).PostAsync("/api/v1/ratings/import", new StringContent(csv, Encoding.UTF8, contentType));

    [Fact]
    public async Task A_csv_with_header_and_iso_timestamps_is_imported()
    {
        var response = await ImportAsync("""
            userId,itemId,rating,timestamp
            196,242,3,1997-12-04T15:55:49Z
            186,302,3.5,1998-04-04T19:22:22Z
            196,377,1,2000-01-01T00:00:00+01:00
            """);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("imported").GetInt64());
        Assert.True(body.GetProperty("seconds").GetDouble() >= 0);
        Assert.Equal(3, await RatingCountAsync(_factory));
        Assert.Equal(2, await CountAsync(_factory, "SELECT count(*) FROM users WHERE ratings_changed_at IS NOT NULL"));
        var stored = await StoredRatingAsync(_factory, "186", "302");
        Assert.Equal(3.5f, stored?.Value);
        Assert.Equal(new DateTime(1998, 4, 4, 19, 22, 22, DateTimeKind.Utc), stored?.RatedAt);
        Assert.Equal(new DateTime(1999, 12, 31, 23, 0, 0, DateTimeKind.Utc), (await StoredRatingAsync(_factory, "196", "377"))?.RatedAt);
    }

    [Fact]
    public async Task A_csv_without_header_with_unix_seconds_and_missing_timestamps_is_imported()
    {
        var before = DateTime.UtcNow.AddSeconds(-5);

        var response = await ImportAsync("196,242,3,881250949\r\n186,302,3,891717742\r\n22,377,1\r\n\r\n244,51,2,\r\n");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(881250949), (await StoredRatingAsync(_factory, "196", "242"))?.RatedAt);
        Assert.InRange((await StoredRatingAsync(_factory, "22", "377"))!.Value.RatedAt, before, DateTime.UtcNow.AddSeconds(5));
        Assert.InRange((await StoredRatingAsync(_factory, "244", "51"))!.Value.RatedAt, before, DateTime.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task The_last_line_for_a_pair_wins_and_existing_ratings_are_replaced()
    {
        await _factory.CreateClientAsClient().PutAsJsonAsync("/api/v1/users/u1/ratings/i9", new { rating = 1 });

        var response = await ImportAsync("u1,i1,2\nu1,i1,4\n\"u1\",\"i9\",5\n");

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
        Assert.Equal(4f, (await StoredRatingAsync(_factory, "u1", "i1"))?.Value);
        Assert.Equal(5f, (await StoredRatingAsync(_factory, "u1", "i9"))?.Value);
        Assert.Equal(2, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task New_and_existing_users_in_one_import_each_keep_the_last_line_of_a_pair()
    {
        // Existing users' ratings are upserted through staging; new users' ratings are copied straight in.
        await _factory.CreateClientAsClient().PutAsJsonAsync("/api/v1/users/old/ratings/i1", new { rating = 1 });

        var response = await ImportAsync("new,i2,1,881250949\nold,i1,2\nnew,i2,3\nnew,i1,4,881250949\nold,i1,5,891717742\nold,i3,2\n");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
        Assert.Equal(4, await RatingCountAsync(_factory));
        Assert.Equal(3f, (await StoredRatingAsync(_factory, "new", "i2"))?.Value);
        Assert.InRange((await StoredRatingAsync(_factory, "new", "i2"))!.Value.RatedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal((4f, DateTime.UnixEpoch.AddSeconds(881250949)), (await StoredRatingAsync(_factory, "new", "i1")));
        Assert.Equal((5f, DateTime.UnixEpoch.AddSeconds(891717742)), (await StoredRatingAsync(_factory, "old", "i1")));
        Assert.Equal(2f, (await StoredRatingAsync(_factory, "old", "i3"))?.Value);
        Assert.Equal(2, await CountAsync(_factory, "SELECT count(*) FROM users WHERE ratings_changed_at IS NOT NULL"));
        Assert.Equal(3, await CountAsync(_factory, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task A_bad_line_is_a_400_naming_the_line_and_nothing_is_stored()
    {
        var response = await ImportAsync("userId,itemId,rating\n1,10,4\n2,20,4\n3,30,7\n4,40,2\n");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Line 4", problem.GetProperty("detail").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal(["line 4"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("rating", errors.GetProperty("line 4")[0].GetString());
        Assert.Equal(0, await RatingCountAsync(_factory));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM users"));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Several_bad_lines_are_each_named()
    {
        var response = await ImportAsync("1,10,4\n2,20\n3,has space,4\n4,40,abc\n5,50,3,not-a-time\n6,60,3,4102444800\n7,70,NaN\n");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var lines = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();
        Assert.Equal(["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"], lines);
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_415_problem()
    {
        var response = await ImportAsync("1,10,4\n", "application/json");

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_client_key_may_not_import()
    {
        var response = await ImportAsync("1,10,4\n", client: _factory.CreateClientAsClient());

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task Without_a_key_importing_is_401()
    {
        await AssertProblemAsync(await ImportAsync("1,10,4\n", client: _factory.CreateClientWithKey(null)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_large_import_streams_through()
    {
        var csv = new StringBuilder("userId,itemId,rating,timestamp\n");
        for (var i = 0; i < 50_000; i++) csv.Append($"user-{i % 700},item-{i / 700},{1 + i % 5},{880_000_000 + i}\n");

        var response = await ImportAsync(csv.ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50_000, await RatingCountAsync(_factory));
        Assert.Equal(700, await CountAsync(_factory, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task An_import_over_the_configured_size_is_a_413_problem()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(postgres, new Dictionary<string, string?>(Settings)
        {
            ["Ingest:MaxImportBytes"] = "2048",
        });
        var csv = string.Concat(Enumerable.Range(0, 500).Select(i => $"u{i},i{i},3\n"));

        var response = await factory.CreateClientAsAdmin().PostAsync("/api/v1/ratings/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await RatingCountAsync(factory));
    }
}
