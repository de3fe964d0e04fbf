using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Tests.Model;

/// <summary>
/// A model large enough to be indexed: the training builds its item indexes once and stores them with it, and every
/// replica loads them instead of building its own, unless its index settings differ.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoredItemIndexTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => RetrainSettings.JobsOn(("ItemIndex:MinItems", "1"));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestData.InsertRatingsAsync(Factory.ConnectionString, TestData.ClusteredRatings(), DateTimeOffset.UtcNow.AddHours(-2));
    }

    private async Task<RecommenderService.Engine.ItemIndexes?> ReplicaIndexesAsync(params (string Key, string? Value)[] settings)
    {
        await using var replica = new RecommenderApiFactory(Factory.ConnectionString,
            new Dictionary<string, string?>(Settings.Concat(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))) { ["Training:JobsEnabled"] = "false" });
        await replica.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        return replica.Services.GetRequiredService<ModelHolder>().Current?.Model.Ranking?.Indexes;
    }

    [Fact]
    public async Task A_retrained_model_carries_its_item_indexes_and_another_replica_loads_them()
    {
        var (_, job) = await RetrainDriver.RetrainAndWaitAsync(Admin, RetrainSettings.Good);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var active = Factory.Services.GetRequiredService<ModelHolder>().Current!;

        var storedFor = await TestData.ScalarAsync(Factory.ConnectionString,
            "SELECT count(*) FROM model_blobs WHERE version = $1 AND item_indexes IS NOT NULL", active.Version);
        var loaded = await ReplicaIndexesAsync();
        var rebuilt = await ReplicaIndexesAsync(("ItemIndex:Connectivity", "8"));

        Assert.Equal(1, storedFor);
        Assert.True(active.Model.Ranking!.Indexes!.Stored, "the training replica loads what the training stored");
        Assert.NotNull(loaded);
        Assert.True(loaded.Stored);
        Assert.NotNull(loaded.Similar);
        Assert.NotNull(rebuilt);
        Assert.False(rebuilt.Stored, "indexes built with other settings are built again, not loaded");
        Assert.Equal(8, rebuilt.Lists.Options.Connectivity);
    }
}
