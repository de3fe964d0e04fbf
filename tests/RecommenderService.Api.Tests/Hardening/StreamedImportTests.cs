using RecommenderService.Api.Notifications;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Imports longer than one chunk stream through a staging table (memory bounded whatever the file size),
/// with the same results as the in-memory path: last line of a pair wins, existing ratings replaced, all or
/// nothing. The chunk is a few lines here so that small files take the streamed path.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StreamedImportTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Ingest:ImportChunkRows"] = "7",
    };

    /// <summary>A body written a few lines at a time, so the service reads it in several pieces, as from a network.</summary>
    private sealed class TrickleContent(IReadOnlyList<string> lines, int perWrite) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var i = 0; i < lines.Count; i += perWrite)
            {
                var piece = string.Concat(lines.Skip(i).Take(perWrite).Select(l => l + "\n"));
                await stream.WriteAsync(Encoding.UTF8.GetBytes(piece));
                await stream.FlushAsync();
                await Task.Delay(2);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private Task<HttpResponseMessage> ImportAsync(IReadOnlyList<string> lines, int perWrite = 5)
    {
        var content = new TrickleContent(lines, perWrite);
        content.Headers.ContentType = new("text/csv");
        return Admin.PostAsync("/api/v1/ratings/import", content);
    }

    [Fact]
    public async Task A_streamed_import_keeps_the_last_line_of_each_pair_across_chunks_and_replaces_existing_ratings()
    {
        await Admin.PutAsJsonAsync("/api/v1/users/old/ratings/i1", new { rating = 1 });
        var lines = new List<string> { "userId,itemId,rating,timestamp" };
        for (var u = 0; u < 10; u++)
            for (var i = 0; i < 5; i++)
                lines.Add($"u{u},i{i},{1 + (u + i) % 5},{1_600_000_000 + u * 100 + i}");
        lines.Add("u3,i2,1.5,1700000000");  // a later line for an earlier pair, chunks apart
        lines.Add("old,i1,5");               // an existing rating, no timestamp

        var before = DateTime.UtcNow.AddSeconds(-5);
        var response = await ImportAsync(lines);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(51, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
        Assert.Equal(51, await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM ratings"));
        Assert.Equal(1.5, await ValueAsync("u3", "i2"));
        Assert.Equal(3, await ValueAsync("u1", "i1"));
        Assert.Equal(5, await ValueAsync("old", "i1"));
        var stamped = await TestData.ScalarAsync(Factory.ConnectionString, """
            SELECT extract(epoch FROM r.rated_at)::bigint FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id
            WHERE u.external_id = 'old' AND i.external_id = 'i1'
            """);
        Assert.InRange(DateTime.UnixEpoch.AddSeconds(stamped), before, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal(1_700_000_000, await TestData.ScalarAsync(Factory.ConnectionString, """
            SELECT extract(epoch FROM r.rated_at)::bigint FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id
            WHERE u.external_id = 'u3' AND i.external_id = 'i2'
            """));
    }

    [Fact]
    public async Task A_bad_line_after_chunks_were_staged_stores_nothing()
    {
        await Admin.PutAsJsonAsync("/api/v1/users/keep/ratings/i1", new { rating = 2 });
        var before = await FingerprintAsync(Factory.ConnectionString);
        var lines = Enumerable.Range(0, 60).Select(n => $"s{n},i{n % 4},3").ToList();
        lines.Add("s99,i1,nine");

        var response = await ImportAsync(lines);

        var problem = await AssertFieldProblemAsync(response, "line 61");
        Assert.Contains("nine", problem.GetProperty("errors").GetProperty("line 61")[0].GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }

    [Fact]
    public async Task A_streamed_import_stamps_and_names_each_user_once_however_many_chunks_name_them()
    {
        await Admin.PutAsJsonAsync("/api/v1/users/hub/ratings/i99", new { rating = 2 }); // an existing user
        await using var listener = new NpgsqlConnection(Factory.ConnectionString);
        await listener.OpenAsync();
        var named = new List<string>();
        listener.Notification += (_, e) =>
        {
            if (RatingChangeChannel.TryDecode(e.Payload, out var ids)) lock (named) named.AddRange(ids);
        };
        await new NpgsqlCommand("LISTEN rating_changes", listener).ExecuteNonQueryAsync();
        // Every other line is the same user, in every chunk of 7 lines, beside users each chunk names alone (so
        // the chunks' notices differ: PostgreSQL folds identical notices of one transaction into one).
        var lines = new List<string>();
        for (var n = 0; n < 84; n++)
            lines.Add(n % 2 == 0 ? $"hub,i{n},4" : $"v{n},i{n % 5},3");

        var response = await ImportAsync(lines);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        // All notices of the import arrive together on commit; one more round trip flushes them to this connection.
        await new NpgsqlCommand("SELECT 1", listener).ExecuteScalarAsync();
        var expected = lines.Select(l => l[..l.IndexOf(',')]).Distinct().Order().ToList();
        // Named once each: a user is stamped (and named) only by the first chunk that meets them; a user stamped
        // again by every chunk would be named by all twelve.
        lock (named) Assert.Equal(expected, named.Order());
        Assert.Equal(expected.Count, await TestData.ScalarAsync(Factory.ConnectionString,
            "SELECT count(*) FROM users WHERE (external_id = 'hub' OR external_id LIKE 'v%') AND ratings_changed_at > now() - interval '1 minute'"));
    }

    private async Task<double> ValueAsync(string user, string item) =>
        await TestData.ScalarAsync(Factory.ConnectionString, """
            SELECT (r.value * 10)::bigint FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id
            WHERE u.external_id = $1 AND i.external_id = $2
            """, user, item) / 10.0;
}
