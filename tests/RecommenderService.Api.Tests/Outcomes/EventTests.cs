namespace RecommenderService.Api.Tests.Outcomes;

/// <summary>Outcome events: what users did with items, stored all or nothing, optionally citing the list they came from.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private const string ListId = "0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70";

    protected override Dictionary<string, string?> Settings => UserTokens.Settings(new() { ["RateLimiting:Enabled"] = "false" });

    [Fact]
    public async Task Events_are_stored_with_user_item_type_value_time_and_the_list_they_cite()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new object[]
            {
                new { userId = "u1", itemId = "i1", type = "click", recommendationId = ListId },
                new { userId = "u1", itemId = "i1", type = "purchase", timestamp = "2024-01-01T12:03:00Z", value = 12.5, recommendationId = ListId },
                new { userId = "u2", itemId = "i9", type = "view" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetInt32());
        var rows = await ReadEventsAsync();
        Assert.Equal(3, rows.Count);
        Assert.Contains(("u1", "i1", "purchase", (double?)12.5, (Guid?)Guid.Parse(ListId), new DateTime(2024, 1, 1, 12, 3, 0, DateTimeKind.Utc)), rows);
        Assert.Contains(rows, r => r is ("u1", "i1", "click", null, { } id, _) && id == Guid.Parse(ListId));
        Assert.Contains(rows, r => r is ("u2", "i9", "view", null, null, _));
    }

    [Fact]
    public async Task A_batch_with_bad_events_is_a_400_naming_every_wrong_field_and_stores_nothing()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/events", new
        {
            events = new object[]
            {
                new { userId = "u1", itemId = "i1", type = "click" },
                new { userId = "u 1", itemId = "", type = "like" },
                new { userId = "u1", itemId = "i1", type = "view", timestamp = "yesterday", recommendationId = "42", value = "much" },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "events[1].userId", "events[1].itemId", "events[1].type", "events[2].timestamp", "events[2].recommendationId", "events[2].value" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.False(errors.TryGetProperty("events[0].type", out _));
        Assert.Empty(await ReadEventsAsync());
    }

    [Fact]
    public async Task An_empty_batch_or_one_of_more_than_1000_events_is_a_400()
    {
        var tooMany = Enumerable.Range(0, 1001).Select(k => new { userId = "u1", itemId = $"i{k}", type = "view" }).ToArray();

        var empty = await Client.PostAsJsonAsync("/api/v1/events", new { events = Array.Empty<object>() });
        var large = await Client.PostAsJsonAsync("/api/v1/events", new { events = tooMany });
        var missing = await Client.PostAsJsonAsync("/api/v1/events", new { });

        Assert.All(new[] { empty, large, missing }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.True((await large.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("events", out _));
        Assert.Empty(await ReadEventsAsync());
    }

    [Fact]
    public async Task A_user_token_posts_only_its_own_events()
    {
        var alice = UserTokens.ClientFor(Factory, UserTokens.For("alice"));

        var own = await alice.PostAsJsonAsync("/api/v1/events", new { events = new[] { new { userId = "alice", itemId = "i1", type = "click" } } });
        var mixed = await alice.PostAsJsonAsync("/api/v1/events", new
        {
            events = new[] { new { userId = "alice", itemId = "i2", type = "click" }, new { userId = "bob", itemId = "i2", type = "click" } },
        });

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mixed.StatusCode);
        Assert.Equal("application/problem+json", mixed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["alice"], (await ReadEventsAsync()).Select(r => r.UserId).ToArray());
    }

    [Fact]
    public async Task A_rating_may_cite_the_list_it_was_given_from_and_a_bad_id_stores_nothing()
    {
        var cited = await Client.PutAsJsonAsync("/api/v1/users/u1/ratings/i1", new { rating = 5, recommendationId = ListId });
        var plain = await Client.PutAsJsonAsync("/api/v1/users/u1/ratings/i2", new { rating = 2 });
        var batch = await Client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[] { new { userId = "u2", itemId = "i1", rating = 4, recommendationId = ListId } },
        });
        var bad = await Client.PutAsJsonAsync("/api/v1/users/u1/ratings/i3", new { rating = 4, recommendationId = "not-a-list" });

        Assert.Equal(HttpStatusCode.Created, cited.StatusCode);
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("recommendationId", out _));
        var rows = await ReadEventsAsync();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r is ("u1", "i1", "rating", 5.0, { } id, _) && id == Guid.Parse(ListId));
        Assert.Contains(rows, r => r is ("u2", "i1", "rating", 4.0, _, _));
        Assert.Equal(0, await TestData.ScalarAsync(Factory.ConnectionString,
            "SELECT count(*) FROM ratings r JOIN items i ON i.id = r.item_id WHERE i.external_id = 'i3'"));
    }

    [Fact]
    public async Task Erasing_a_user_erases_their_events_and_the_lists_they_were_shown()
    {
        (await Client.PutAsJsonAsync("/api/v1/users/u1/ratings/i1", new { rating = 4 })).EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync("/api/v1/events", new { events = new[] { new { userId = "u1", itemId = "i1", type = "click" }, new { userId = "u2", itemId = "i1", type = "click" } } }))
            .EnsureSuccessStatusCode();
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/v1/users/u1/recommendations");
        var id = Guid.Parse(list.GetProperty("recommendationId").GetString()!);
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(15), async () => await ImpressionTests.ReadAsync(Factory.ConnectionString, id) is not null));

        var erased = await Admin.DeleteAsync("/api/v1/users/u1");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(["u2"], (await ReadEventsAsync()).Select(r => r.UserId).ToArray());
        Assert.Null(await ImpressionTests.ReadAsync(Factory.ConnectionString, id));
    }

    private async Task<List<(string UserId, string ItemId, string Type, double? Value, Guid? RecommendationId, DateTime OccurredAt)>> ReadEventsAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT user_id, item_id, type, value, recommendation_id, occurred_at FROM outcome_events ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string, double?, Guid?, DateTime)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetDateTime(5)));
        return rows;
    }
}
