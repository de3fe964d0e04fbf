using static RecommenderService.Api.Tests.Ratings.IngestTestKit;

namespace RecommenderService.Api.Tests.Ratings;

/// <summary>Many writers on the same pairs at once: no 500, no lost or doubled rows, only values someone wrote.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RatingConcurrencyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly float[] Written = [1f, 1.5f, 2f, 2.5f, 3f, 3.5f, 4f, 4.5f, 5f];
    private RecommenderApiFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await CreateFactoryAsync(postgres);

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Sixteen_writers_putting_the_same_fifty_pairs_leave_exactly_fifty_ratings()
    {
        var client = _factory.CreateClientAsClient();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 200; i++)
            {
                var pair = random.Next(50);
                var response = await PutRatingAsync(client, $"user-{pair % 10}", $"item-{pair / 10}", new { rating = Written[random.Next(Written.Length)] });
                seen.Add(response.StatusCode);
            }
            return seen;
        })));

        Assert.All(statuses.SelectMany(s => s), s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Created, $"status {s}"));
        Assert.Equal(50, statuses.SelectMany(s => s).Count(s => s == HttpStatusCode.Created));
        Assert.Equal(50, await RatingCountAsync(_factory));
        await AssertOnlyWrittenValuesAsync();
    }

    [Fact]
    public async Task Overlapping_batches_and_single_writes_at_once_leave_an_exact_count()
    {
        var client = _factory.CreateClientAsClient();
        // 8 writers, each posting 5 batches of 2,000 ratings drawn from the same 3,000 pairs, in different orders.
        var batches = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var random = new Random(100 + writer);
            var codes = new List<HttpStatusCode>();
            for (var b = 0; b < 5; b++)
            {
                var rows = Enumerable.Range(0, 2_000).Select(_ => random.Next(3_000))
                    .Select(p => new { userId = $"user-{p % 60}", itemId = $"item-{p / 60}", rating = Written[random.Next(Written.Length)] })
                    .ToList();
                codes.Add((await client.PostAsJsonAsync("/api/v1/ratings/batch", new { ratings = rows })).StatusCode);
            }
            return codes;
        }));
        var singles = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            var random = new Random(200 + writer);
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 100; i++)
            {
                var p = random.Next(3_000);
                codes.Add((await PutRatingAsync(client, $"user-{p % 60}", $"item-{p / 60}", new { rating = Written[random.Next(Written.Length)] })).StatusCode);
            }
            return codes;
        }));

        var codes = (await Task.WhenAll(batches.Concat(singles))).SelectMany(c => c).ToList();

        Assert.All(codes, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Created, $"status {s}"));
        var expected = await CountAsync(_factory, "SELECT count(DISTINCT (user_id, item_id)) FROM ratings");
        Assert.Equal(expected, await RatingCountAsync(_factory));
        Assert.InRange(expected, 2_900, 3_000); // 80,400 draws from 3,000 pairs leave none out in practice
        Assert.Equal(60, await CountAsync(_factory, "SELECT count(*) FROM users"));
        Assert.Equal(50, await CountAsync(_factory, "SELECT count(*) FROM items"));
        await AssertOnlyWrittenValuesAsync();
    }

    private async Task AssertOnlyWrittenValuesAsync()
    {
        await using var connection = new NpgsqlConnection(_factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT value FROM ratings", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) Assert.Contains(reader.GetFloat(0), Written);
    }
}
