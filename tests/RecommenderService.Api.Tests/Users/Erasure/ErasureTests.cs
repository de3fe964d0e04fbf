using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Users.Erasure;

/// <summary>
/// An erased user is never served personalised results again by any replica: not from the model in
/// memory while the database is down, not after a swap to a model trained before the erasure, not after a
/// rollback to an older version whose blob still holds their vector.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ErasureTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Erased = "7";
    private const string Other = "8";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["RateLimiting:Enabled"] = "false",
    };

    private string _database = null!;
    private RatingSet _ratings = null!;
    private RecommenderApiFactory _replicaA = null!;
    private RecommenderApiFactory _replicaB = null!;
    private int _firstVersion;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync();
        _replicaA = new RecommenderApiFactory(_database, Settings);
        _replicaB = new RecommenderApiFactory(_database, Settings);
        _replicaA.CreateClient();
        _replicaB.CreateClient();
        _ratings = TestData.PlantedRatings(seed: 5);
        await TestData.InsertRatingsAsync(_database, _ratings, DateTimeOffset.UtcNow.AddHours(-1));
        _firstVersion = await TestData.StoreActiveModelAsync(_database, TestData.Train(_ratings), DateTimeOffset.UtcNow);
        await LoadActiveEverywhereAsync();
    }

    public async Task DisposeAsync()
    {
        await DatabaseOutage.SetReachableAsync(postgres, _database, true);
        await _replicaA.DisposeAsync();
        await _replicaB.DisposeAsync();
    }

    [Fact]
    public async Task During_a_database_outage_no_replica_serves_an_erased_user_from_the_model_in_memory()
    {
        await AssertServedByModelEverywhereAsync(Erased);

        await EraseAsync(Erased);
        // A replica that starts after the erasure knows it from the persisted record, not from a notice.
        await using var replicaC = new RecommenderApiFactory(_database, Settings);
        var clientC = replicaC.CreateClientAsClient();
        await replicaC.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
        Assert.Equal(_firstVersion, replicaC.Services.GetRequiredService<ModelHolder>().Current?.Version);
        await DatabaseOutage.SetReachableAsync(postgres, _database, false);

        await AssertNotPersonalisedEverywhereAsync(Erased);
        await AssertStillModelledDuringOutageAsync(Other);
        var fromC = await clientC.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Erased}/recommendations");
        Assert.Equal("popularity", fromC.GetProperty("strategy").GetString());
        await DatabaseOutage.SetReachableAsync(postgres, _database, true);
    }

    [Fact]
    public async Task After_a_swap_to_a_model_trained_before_the_erasure_no_replica_serves_the_erased_user_from_it()
    {
        await AssertServedByModelEverywhereAsync(Erased);

        await EraseAsync(Erased);
        // A model whose training read the ratings before the erasure committed, activated after it.
        var newer = await TestData.StoreActiveModelAsync(_database, TestData.Train(_ratings, factors: 6), DateTimeOffset.UtcNow.AddMinutes(5));
        await LoadActiveEverywhereAsync();
        Assert.Equal(newer, _replicaB.Services.GetRequiredService<ModelHolder>().Current?.Version);

        await DatabaseOutage.SetReachableAsync(postgres, _database, false);
        await AssertNotPersonalisedEverywhereAsync(Erased);
        await AssertStillModelledDuringOutageAsync(Other);
        await DatabaseOutage.SetReachableAsync(postgres, _database, true);

        // The user comes back and rates one item: served from that rating alone, never from the old vector
        // (this model's cut-off is after the new rating, so without the erasure record the vector would do).
        var back = await _replicaA.CreateClientAsClient().PutAsJsonAsync($"/api/v1/users/{Erased}/ratings/3", new { rating = 5 });
        back.EnsureSuccessStatusCode();
        foreach (var replica in new[] { _replicaA, _replicaB })
        {
            var strategy = "";
            var folded = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5), async () =>
            {
                var list = await replica.CreateClientAsClient().GetFromJsonAsync<JsonElement>($"/api/v1/users/{Erased}/recommendations");
                strategy = list.GetProperty("strategy").GetString()!;
                return strategy != "popularity";
            });
            Assert.True(folded && strategy == "folded-in", $"the returning user was served by '{strategy}'");
        }
    }

    [Fact]
    public async Task After_a_rollback_to_an_older_version_no_replica_serves_the_erased_user_from_its_blob()
    {
        var newer = await TestData.StoreActiveModelAsync(_database, TestData.Train(_ratings, factors: 6), DateTimeOffset.UtcNow);
        await LoadActiveEverywhereAsync();
        await AssertServedByModelEverywhereAsync(Erased);

        await EraseAsync(Erased);
        var rollback = await _replicaA.CreateClientAsAdmin().PostAsync($"/api/v1/model/versions/{_firstVersion}/activate", null);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var followed = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10),
            () => _replicaB.Services.GetRequiredService<ModelHolder>().Current?.Version == _firstVersion);
        Assert.True(followed, $"replica B did not roll back from {newer} to {_firstVersion}");

        await DatabaseOutage.SetReachableAsync(postgres, _database, false);
        await AssertNotPersonalisedEverywhereAsync(Erased);
        await AssertStillModelledDuringOutageAsync(Other);
    }

    private async Task LoadActiveEverywhereAsync()
    {
        foreach (var replica in new[] { _replicaA, _replicaB })
        {
            await replica.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
            await replica.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
        }
    }

    private async Task AssertServedByModelEverywhereAsync(string user)
    {
        foreach (var replica in new[] { _replicaA, _replicaB })
        {
            var list = await replica.CreateClientAsClient().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations");
            Assert.Equal("model", list.GetProperty("strategy").GetString());
        }
    }

    /// <summary>Erases on replica A and waits until replica B has heard of it (the notices of one transaction arrive in order).</summary>
    private async Task EraseAsync(string user)
    {
        var response = await _replicaA.CreateClientAsAdmin().DeleteAsync($"/api/v1/users/{user}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var heard = await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(5),
            () => !_replicaB.Services.GetRequiredService<UserRatingsCache>().IsCached(user));
        Assert.True(heard, "replica B never heard of the erasure");
    }

    /// <summary>With the database down: a list, but popularity (as for an unknown user), on every replica.</summary>
    private async Task AssertNotPersonalisedEverywhereAsync(string user)
    {
        foreach (var (name, replica) in new[] { ("A", _replicaA), ("B", _replicaB) })
        {
            var response = await replica.CreateClientAsClient().GetAsync($"/api/v1/users/{user}/recommendations");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"replica {name}: {(int)response.StatusCode} {body}");
            var list = JsonDocument.Parse(body).RootElement;
            Assert.True(list.GetProperty("strategy").GetString() == "popularity", $"replica {name} personalised an erased user: {body}");
            Assert.Equal(10, list.GetProperty("items").GetArrayLength());
        }
    }

    /// <summary>The outage path itself still works for users who were not erased.</summary>
    private async Task AssertStillModelledDuringOutageAsync(string user)
    {
        foreach (var replica in new[] { _replicaA, _replicaB })
        {
            var list = await replica.CreateClientAsClient().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations");
            Assert.Equal("model", list.GetProperty("strategy").GetString());
        }
    }
}
