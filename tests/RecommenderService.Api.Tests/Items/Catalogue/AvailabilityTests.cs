using System.Diagnostics;

namespace RecommenderService.Api.Tests.Items.Catalogue;

/// <summary>
/// Retiring, restoring and scheduling items with two replicas: a write through one replica is followed by the other
/// within a second, in every list, with lists kept full.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AvailabilityTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private CatalogueReplicas _replicas = null!;
    private HttpClient _writer = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _replicas = await CatalogueReplicas.StartAsync(postgres);
        _writer = _replicas.Writer.CreateClientAsClient();
        _reader = _replicas.Reader.CreateClientAsClient();
    }

    public async Task DisposeAsync() => await _replicas.DisposeAsync();

    [Fact]
    public async Task A_retired_item_leaves_every_list_on_the_other_replica_within_a_second_and_lists_stay_full()
    {
        var before = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/1/recommendations?count=10");
        var popularBefore = await CatalogueReplicas.ListAsync(_reader, "/api/v1/items/popular?count=10");
        var anchor = before[^1];
        var similarBefore = await CatalogueReplicas.ListAsync(_reader, $"/api/v1/items/{anchor}/similar?count=10");
        string[] retired = [before[0], popularBefore[0], similarBefore[0]];
        var etag = (await _reader.GetAsync($"/api/v1/items/{before[0]}")).Headers.ETag;

        var acknowledged = Stopwatch.StartNew();
        foreach (var id in retired.Distinct()) await CatalogueReplicas.PutAvailabilityAsync(_writer, id, available: false);
        var gone = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
            !(await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/1/recommendations?count=10")).Intersect(retired).Any()
            && !(await CatalogueReplicas.ListAsync(_reader, "/api/v1/items/popular?count=10")).Intersect(retired).Any()
            && !(await CatalogueReplicas.ListAsync(_reader, $"/api/v1/items/{anchor}/similar?count=10")).Intersect(retired).Any());
        var took = acknowledged.Elapsed;

        Assert.True(gone, "the other replica still lists a retired item");
        Assert.True(took < Second * (1 + retired.Distinct().Count()), $"followed after {took.TotalMilliseconds:F0} ms");
        var after = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/1/recommendations?count=10");
        Assert.Equal(10, after.Length);
        Assert.Equal(before.Where(i => !retired.Contains(i)), after.Take(before.Count(i => !retired.Contains(i))));
        Assert.Equal(10, (await CatalogueReplicas.ListAsync(_reader, "/api/v1/items/popular?count=10")).Length);
        Assert.Equal(10, (await CatalogueReplicas.ListAsync(_reader, $"/api/v1/items/{anchor}/similar?count=10")).Length);

        var item = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/items/{before[0]}");
        Assert.False(item.GetProperty("available").GetBoolean());
        Assert.NotEqual(etag, (await _reader.GetAsync($"/api/v1/items/{before[0]}")).Headers.ETag);
        Assert.DoesNotContain(before[0], await CatalogueReplicas.ListAsync(_reader, $"/api/v1/items?ids={before[0]},{before[1]}"));
        Assert.Contains(before[0], await CatalogueReplicas.ListAsync(_reader, $"/api/v1/items?ids={before[0]},{before[1]}&available=false"));
        // History is signal: a prediction for it still answers.
        Assert.Equal(HttpStatusCode.OK, (await _reader.GetAsync($"/api/v1/users/1/predictions/{before[0]}")).StatusCode);
    }

    [Fact]
    public async Task A_restored_item_comes_back_to_the_same_place_on_the_other_replica()
    {
        var before = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/2/recommendations?count=10");
        await CatalogueReplicas.PutAvailabilityAsync(_writer, before[1], available: false);
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(2), async () =>
            !(await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/2/recommendations?count=10")).Contains(before[1])));

        var acknowledged = Stopwatch.StartNew();
        await CatalogueReplicas.PutAvailabilityAsync(_writer, before[1], available: true);
        var back = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
            (await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/2/recommendations?count=10")).SequenceEqual(before));

        Assert.True(back, "the restored item did not come back to its place");
        Assert.True(acknowledged.Elapsed < Second, $"came back after {acknowledged.Elapsed.TotalMilliseconds:F0} ms");
        var item = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/items/{before[1]}");
        Assert.True(item.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task A_schedule_takes_effect_at_its_times_without_any_write()
    {
        var before = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/3/recommendations?count=10");
        var ending = before[0];
        var starting = before[2];
        var until = DateTimeOffset.UtcNow.AddSeconds(2);
        var from = DateTimeOffset.UtcNow.AddSeconds(2);
        await CatalogueReplicas.PutAvailabilityAsync(_writer, ending, available: true, until: until);
        await CatalogueReplicas.PutAvailabilityAsync(_writer, starting, available: true, from: from);

        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(1), async () =>
            !(await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/3/recommendations?count=10")).Contains(starting)),
            "an item whose window has not started is listed");
        Assert.Contains(ending, await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/3/recommendations?count=10"));

        await Task.Delay(until - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
        var list = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/3/recommendations?count=10");
        Assert.DoesNotContain(ending, list);
        Assert.Contains(starting, list);
        Assert.Equal(10, list.Length);
        var item = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/items/{ending}");
        Assert.False(item.GetProperty("available").GetBoolean());
        Assert.Equal(until.ToUnixTimeMilliseconds(), item.GetProperty("availableUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_catalogue_batch_retires_and_describes_items_on_both_replicas_and_the_retired_list_pages_through_them()
    {
        var before = await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/4/recommendations?count=10");
        var items = before.Take(3).Select(id => new { itemId = id, title = $"Sold out {id}", available = false })
            .Concat([new { itemId = "brand-new", title = "Brand new", available = true }]);

        var response = await _writer.PostAsJsonAsync("/api/v1/items/batch", new { items });

        response.EnsureSuccessStatusCode();
        var written = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, written.GetProperty("created").GetInt32());
        Assert.Equal(3, written.GetProperty("updated").GetInt32());
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(1), async () =>
            !(await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/4/recommendations?count=10")).Intersect(before.Take(3)).Any()));
        var pages = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _reader.GetFromJsonAsync<JsonElement>("/api/v1/items?available=false&limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            pages.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!));
            Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.False(i.GetProperty("available").GetBoolean()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(before.Take(3).Order(), pages.Order());
        var title = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/items/{before[0]}");
        Assert.Equal($"Sold out {before[0]}", title.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_title_edit_without_availability_keeps_an_item_retired()
    {
        var item = (await CatalogueReplicas.ListAsync(_reader, "/api/v1/users/5/recommendations?count=10"))[0];
        await CatalogueReplicas.PutAvailabilityAsync(_writer, item, available: false);

        (await _writer.PutAsJsonAsync($"/api/v1/items/{item}", new { title = "Renamed" })).EnsureSuccessStatusCode();

        var stored = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}");
        Assert.Equal("Renamed", stored.GetProperty("title").GetString());
        Assert.False(stored.GetProperty("available").GetBoolean());
    }
}
