using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Ratings;

/// <summary>POST /api/v1/ratings/batch: all or nothing, every bad row named.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RatingBatchTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync(postgres);
        _client = _factory.CreateClientAsClient();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<HttpResponseMessage> PostJsonAsync(string json) =>
        _client.PostAsync("/api/v1/ratings/batch", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_batch_is_stored_and_counts_inserted_and_updated_pairs()
    {
        var first = await _client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[]
            {
                new { userId = "u1", itemId = "i1", rating = 4 },
                new { userId = "u1", itemId = "i2", rating = 3, timestamp = "2020-01-01T00:00:00Z" },
                new { userId = "u2", itemId = "i1", rating = 5 },
            },
        });
        var second = await _client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[]
            {
                new { userId = "u1", itemId = "i1", rating = 1 },
                new { userId = "u3", itemId = "i3", rating = 2 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, firstBody.GetProperty("inserted").GetInt32());
        Assert.Equal(0, firstBody.GetProperty("updated").GetInt32());
        var secondBody = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, secondBody.GetProperty("inserted").GetInt32());
        Assert.Equal(1, secondBody.GetProperty("updated").GetInt32());
        Assert.Equal(4, await RatingCountAsync(_factory));
        Assert.Equal(1f, (await StoredRatingAsync(_factory, "u1", "i1"))?.Value);
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), (await StoredRatingAsync(_factory, "u1", "i2"))?.RatedAt);
        Assert.Equal(3, await CountAsync(_factory, "SELECT count(*) FROM users WHERE ratings_changed_at IS NOT NULL"));
    }

    [Fact]
    public async Task One_bad_row_among_good_ones_rejects_the_batch_naming_it_and_stores_nothing()
    {
        var response = await PostJsonAsync("""
            {"ratings": [
              {"userId": "u1", "itemId": "i1", "rating": 4},
              {"userId": "u2", "itemId": "i2", "rating": 4},
              {"userId": "u3", "itemId": "i3", "rating": 9},
              {"userId": "u4", "itemId": "i4", "rating": 2}
            ]}
            """);

        var errors = await AssertValidationProblemAsync(response, "ratings[2].rating");
        Assert.Contains("between 1 and 5", errors.GetProperty("ratings[2].rating")[0].GetString());
        Assert.Equal(0, await RatingCountAsync(_factory));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM users"));
        Assert.Equal(0, await CountAsync(_factory, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task Every_bad_row_is_named()
    {
        var longId = new string('x', 129);
        var response = await PostJsonAsync($$"""
            {"ratings": [
              {"userId": "", "itemId": "i1", "rating": 4},
              {"userId": "u1", "itemId": "i1", "rating": 4},
              {"userId": "u2", "itemId": "has space", "rating": 4},
              {"userId": "u3", "itemId": "i3", "rating": "NaN"},
              {"userId": "u4", "itemId": "i4", "rating": 3, "timestamp": "not a time"},
              {"userId": "u5", "itemId": "i5"},
              {"itemId": "i6", "rating": 3},
              {"userId": "{{longId}}", "itemId": "ctl\u0001", "rating": 3},
              {"userId": 196, "itemId": "i8", "rating": 3},
              null
            ]}
            """);

        await AssertValidationProblemAsync(response,
            "ratings[0].userId", "ratings[2].itemId", "ratings[3].rating", "ratings[4].timestamp",
            "ratings[5].rating", "ratings[6].userId", "ratings[7].userId", "ratings[7].itemId", "ratings[8].userId", "ratings[9]");
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_batch_of_10001_ratings_is_refused()
    {
        var rows = Enumerable.Range(0, 10_001).Select(i => new { userId = $"u{i % 100}", itemId = $"i{i}", rating = 3 });

        var response = await _client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = rows });

        var errors = await AssertValidationProblemAsync(response, "ratings");
        Assert.Contains("10,000", errors.GetProperty("ratings")[0].GetString());
        Assert.Equal(0, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task A_batch_of_10000_ratings_is_stored()
    {
        var rows = Enumerable.Range(0, 10_000).Select(i => new { userId = $"u{i % 100}", itemId = $"i{i / 100}", rating = 1 + i % 5 });

        var response = await _client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = rows });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inserted").GetInt32());
        Assert.Equal(10_000, await RatingCountAsync(_factory));
    }

    [Fact]
    public async Task Duplicate_pairs_in_one_batch_the_last_one_wins_and_counts_once()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/ratings/batch", new
        {
            ratings = new object[]
            {
                new { userId = "u1", itemId = "i1", rating = 1 },
                new { userId = "u1", itemId = "i1", rating = 2 },
                new { userId = "u1", itemId = "i1", rating = 5 },
            },
        });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("inserted").GetInt32());
        Assert.Equal(0, body.GetProperty("updated").GetInt32());
        Assert.Equal(5f, (await StoredRatingAsync(_factory, "u1", "i1"))?.Value);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"ratings": null}""")]
    public async Task A_body_without_ratings_is_a_400_naming_it(string json)
    {
        await AssertValidationProblemAsync(await PostJsonAsync(json), "ratings");
    }

    [Fact]
    public async Task An_empty_batch_stores_nothing()
    {
        var response = await PostJsonAsync("""{"ratings": []}""");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, body.GetProperty("inserted").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        await AssertProblemAsync(await PostJsonAsync("""{"ratings": [{"userId": "u1",]}"""), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_batch_over_the_size_limit_is_a_413_problem()
    {
        // Just past the default limit, which admits every legal batch (IngestOptions.LegalBatchBytes).
        var padding = (int)RecommenderService.Api.Ratings.IngestOptions.LegalBatchBytes;
        var response = await PostJsonAsync("{\"ratings\": [], \"padding\": \"" + new string('x', padding) + "\"}");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Without_a_key_a_batch_is_401()
    {
        var response = await _factory.CreateClientWithKey(null).PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = Array.Empty<object>() });

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
