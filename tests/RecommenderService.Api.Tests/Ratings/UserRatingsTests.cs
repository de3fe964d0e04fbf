using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Ratings;

/// <summary>PUT, DELETE and GET of a user's ratings (API.md, "Ratings (ingest)").</summary>
[Collection(PostgresCollection.Name)]
public sealed class UserRatingsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync(postgres);
        _client = _factory.CreateClientAsClient();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_new_rating_is_201_with_the_stored_rating_and_creates_the_user_and_item()
    {
        var response = await PutRatingAsync(_client, "196", "242", new { rating = 4.5, timestamp = "2024-01-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/users/196/ratings/242", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("196", body.GetProperty("userId").GetString());
        Assert.Equal("242", body.GetProperty("itemId").GetString());
        Assert.Equal(4.5, body.GetProperty("rating").GetDouble());
        Assert.Equal("2024-01-01T00:00:00Z", body.GetProperty("timestamp").GetString());
        Assert.Equal(1, await CountAsync(_factory, "SELECT count(*) FROM users WHERE external_id = '196' AND ratings_changed_at IS NOT NULL"));
        Assert.Equal(1, await CountAsync(_factory, "SELECT count(*) FROM items WHERE external_id = '242'"));
        var stored = await StoredRatingAsync(_factory, "196", "242");
        Assert.Equal(4.5f, stored?.Value);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), stored?.RatedAt);
    }

    [Fact]
    public async Task Rating_the_same_item_again_replaces_the_rating_with_200()
    {
        await PutRatingAsync(_client, "u1", "i1", new { rating = 2 });

        var response = await PutRatingAsync(_client, "u1", "i1", new { rating = 5, timestamp = "2023-06-01T12:30:00+02:00" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, body.GetProperty("rating").GetDouble());
        Assert.Equal("2023-06-01T10:30:00Z", body.GetProperty("timestamp").GetString());
        Assert.Equal(1, await RatingCountAsync(_factory));
        Assert.Equal(5f, (await StoredRatingAsync(_factory, "u1", "i1"))?.Value);
    }

    [Fact]
    public async Task Without_a_timestamp_the_rating_is_dated_now()
    {
        var before = DateTime.UtcNow.AddSeconds(-5);

        var response = await PutRatingAsync(_client, "u-now", "i-now", new { rating = 3 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ratedAt = (await StoredRatingAsync(_factory, "u-now", "i-now"))!.Value.RatedAt;
        Assert.InRange(ratedAt, before, DateTime.UtcNow.AddSeconds(5));
    }

    public static TheoryData<string, string> BadIds => new()
    {
        { new string('x', 129), "itemId" },
        { "with space", "itemId" },
        { "tab\there", "itemId" },
        { "bell\u0007", "itemId" },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_item_id_is_a_400_naming_it_and_stores_nothing(string itemId, string field)
    {
        var response = await PutRatingAsync(_client, "u1", itemId, new { rating = 3 });

        await AssertValidationProblemAsync(response, field);
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task A_bad_user_id_is_a_400_naming_it()
    {
        var response = await PutRatingAsync(_client, new string('u', 129), "i1", new { rating = 3 });

        await AssertValidationProblemAsync(response, "userId");
    }

    [Fact]
    public async Task An_id_of_exactly_128_characters_is_fine()
    {
        var response = await PutRatingAsync(_client, new string('u', 128), new string('i', 128), new { rating = 3 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static TheoryData<string> BadRatingBodies => new()
    {
        """{"rating": "NaN"}""",
        """{"rating": "4.5"}""",
        """{"rating": 5.5}""",
        """{"rating": 0.99}""",
        """{"rating": -1}""",
        """{"rating": null}""",
        """{}""",
        """{"rating": 1e400}""",
    };

    [Theory]
    [MemberData(nameof(BadRatingBodies))]
    public async Task A_missing_or_bad_rating_is_a_400_naming_it_and_stores_nothing(string json)
    {
        var response = await _client.PutAsync("/api/v1/users/u1/ratings/i1", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertValidationProblemAsync(response, "rating");
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM users"));
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"2024-13-01T00:00:00Z\"")]
    [InlineData("\"01/02/2024\"")]
    [InlineData("\"2999-01-01T00:00:00Z\"")]
    [InlineData("1700000000")]
    public async Task A_bad_timestamp_is_a_400_naming_it(string timestamp)
    {
        var response = await _client.PutAsync("/api/v1/users/u1/ratings/i1",
            new StringContent($$"""{"rating": 3, "timestamp": {{timestamp}}}""", Encoding.UTF8, "application/json"));

        await AssertValidationProblemAsync(response, "timestamp");
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_timestamp_less_than_a_day_ahead_is_accepted()
    {
        var soon = DateTime.UtcNow.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ssZ");

        var response = await PutRatingAsync(_client, "u1", "i1", new { rating = 3, timestamp = soon });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await _client.PutAsync("/api/v1/users/u1/ratings/i1", new StringContent("{\"rating\": ", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await _client.PutAsync("/api/v1/users/u1/ratings/i1", new StringContent("rating=3", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var padding = new string('x', 70 * 1024);
        var response = await _client.PutAsync("/api/v1/users/u1/ratings/i1",
            new StringContent($$"""{"rating": 3, "padding": "{{padding}}"}""", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task Without_a_key_writing_is_401()
    {
        var response = await PutRatingAsync(_factory.CreateClientWithKey(null), "u1", "i1", new { rating = 3 });

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_a_rating_is_204_then_404_and_marks_the_user_changed()
    {
        await PutRatingAsync(_client, "u1", "i1", new { rating = 3 });
        await PutRatingAsync(_client, "u1", "i2", new { rating = 4 });
        await using (var connection = new NpgsqlConnection(_factory.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("UPDATE users SET ratings_changed_at = '2000-01-01'", connection).ExecuteNonQueryAsync();
        }

        var first = await _client.DeleteAsync("/api/v1/users/u1/ratings/i1");
        var second = await _client.DeleteAsync("/api/v1/users/u1/ratings/i1");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.NotFound);
        Assert.Null(await StoredRatingAsync(_factory, "u1", "i1"));
        Assert.NotNull(await StoredRatingAsync(_factory, "u1", "i2"));
        Assert.Equal(1, await CountAsync(_factory, "SELECT count(*) FROM users WHERE ratings_changed_at > now() - interval '1 minute'"));
    }

    [Fact]
    public async Task Deleting_a_rating_of_an_unknown_user_or_item_is_404()
    {
        await PutRatingAsync(_client, "u1", "i1", new { rating = 3 });

        await AssertProblemAsync(await _client.DeleteAsync("/api/v1/users/nobody/ratings/i1"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _client.DeleteAsync("/api/v1/users/u1/ratings/nothing"), HttpStatusCode.NotFound);
        Assert.Equal(1, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task An_unknown_user_has_an_empty_list_not_a_404()
    {
        var response = await _client.GetAsync("/api/v1/users/never-seen/ratings");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, body.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=AAAAAAAAAAAAAAAAAAAA", "cursor")]
    public async Task Bad_paging_parameters_are_a_400_naming_them(string query, string field)
    {
        var response = await _client.GetAsync($"/api/v1/users/u1/ratings?{query}");

        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Paging_walks_every_rating_exactly_once_newest_first()
    {
        // 57 ratings over 20 distinct times, so many share a timestamp and the tie-break matters.
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 57)
            .Select(i => new { userId = "pager", itemId = $"item-{i:D2}", rating = 1 + i % 5, timestamp = start.AddMinutes(i % 20).ToString("O") })
            .ToList();
        rows.Add(new { userId = "someone-else", itemId = "item-00", rating = 3, timestamp = start.ToString("O") });
        (await _client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = rows })).EnsureSuccessStatusCode();

        var seen = new List<(string ItemId, DateTime Timestamp)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/users/pager/ratings?limit=10" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await _client.GetFromJsonAsync<JsonElement>(url);
            foreach (var item in page.GetProperty("items").EnumerateArray())
                seen.Add((item.GetProperty("itemId").GetString()!, item.GetProperty("timestamp").GetDateTime().ToUniversalTime()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 100);

        Assert.Equal(6, pages);
        Assert.Equal(57, seen.Count);
        Assert.Equal(57, seen.Select(s => s.ItemId).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.Timestamp).Select(s => s.Timestamp), seen.Select(s => s.Timestamp));
        Assert.Equal(start.AddMinutes(19), seen[0].Timestamp);
    }

    [Fact]
    public async Task A_page_lists_item_rating_and_timestamp()
    {
        await PutRatingAsync(_client, "u1", "i1", new { rating = 3.5, timestamp = "2021-05-05T10:00:00Z" });
        await PutRatingAsync(_client, "u1", "i2", new { rating = 2, timestamp = "2022-05-05T10:00:00Z" });

        var page = await _client.GetFromJsonAsync<JsonElement>("/api/v1/users/u1/ratings");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("i2", items[0].GetProperty("itemId").GetString());
        Assert.Equal(2, items[0].GetProperty("rating").GetDouble());
        Assert.Equal("i1", items[1].GetProperty("itemId").GetString());
        Assert.Equal(3.5, items[1].GetProperty("rating").GetDouble());
        Assert.Equal("2021-05-05T10:00:00Z", items[1].GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_rating_write_notifies_listeners_with_the_user_id()
    {
        await using var listener = new NpgsqlConnection(_factory.ConnectionString);
        await listener.OpenAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) =>
        {
            if (e.Channel == "rating_changes") received.TrySetResult(e.Payload);
        };
        await new NpgsqlCommand("LISTEN rating_changes", listener).ExecuteNonQueryAsync();

        var response = await PutRatingAsync(_client, "listened-user", "i1", new { rating = 4 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.Task.IsCompleted) await listener.WaitAsync(deadline.Token);
        Assert.Equal("[\"listened-user\"]", await received.Task);
    }
}
