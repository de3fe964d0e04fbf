namespace RecommenderService.Engine.Tests;

/// <summary>Item indexes stored beside a model and loaded by another process: the same graph, or none when it would not fit.</summary>
public sealed class ItemIndexFileTests
{
    private static readonly Lazy<FactorModel> Trained = new(() =>
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 600, Items = 1500, Ratings = 20_000, Seed = 31 });
        return new SgdTrainer(new TrainingOptions { Factors = 8, Epochs = 5, Threads = 1 }).Train(ratings).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 8, Iterations = 3, Threads = 1 }).Train(ratings));
    });

    /// <summary>A copy of the trained model with a head of its own, as a replica reads it from storage.</summary>
    private static FactorModel Copy()
    {
        var head = Trained.Value.Ranking!;
        return Trained.Value.WithRanking(new RankingHead(head.Factors, head.UserFactors, head.ItemFactors, head.Feedback, head.Regularization));
    }

    private static byte[] Stored(ItemIndexOptions options)
    {
        var built = ItemIndexes.Build(Copy(), options);
        using var stream = new MemoryStream();
        ItemIndexFile.Write(built, stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_loaded_index_finds_what_the_built_one_finds()
    {
        var trainer = Copy();
        var built = ItemIndexes.Build(trainer, ItemIndexOptions.Default);
        using var stream = new MemoryStream();
        ItemIndexFile.Write(built, stream);
        stream.Position = 0;

        var replica = Copy();
        var loaded = ItemIndexFile.Read(replica, stream, ItemIndexOptions.Default);

        Assert.NotNull(loaded);
        Assert.True(loaded.Stored);
        Assert.Same(loaded, replica.Ranking!.Indexes);
        Assert.NotNull(loaded.Similar);
        var head = replica.Ranking!;
        Span<int> fromBuilt = stackalloc int[50], fromLoaded = stackalloc int[50];
        for (var item = 0; item < head.ItemCount; item += 37)
        {
            var query = head.ItemFactors.AsSpan(item * head.Factors, head.Factors);
            Assert.Equal(built.Lists.Search(query, fromBuilt), loaded.Lists.Search(query, fromLoaded));
            Assert.Equal(fromBuilt.ToArray(), fromLoaded.ToArray());
            Assert.Equal(built.Similar!.Search(query, fromBuilt), loaded.Similar.Search(query, fromLoaded));
            Assert.Equal(fromBuilt.ToArray(), fromLoaded.ToArray());
        }
    }

    [Fact]
    public void Indexes_built_with_other_settings_are_not_loaded_and_the_head_stays_free_for_a_build()
    {
        var stored = Stored(ItemIndexOptions.Default with { Connectivity = 8 });
        var replica = Copy();

        Assert.Null(ItemIndexFile.Read(replica, new MemoryStream(stored), ItemIndexOptions.Default));
        Assert.Null(replica.Ranking!.Indexes);
        Assert.NotNull(ItemIndexes.Build(replica, ItemIndexOptions.Default));
    }

    [Fact]
    public void A_search_setting_a_loaded_index_cannot_keep_means_a_build()
    {
        var options = ItemIndexOptions.Default with { ExpansionSearch = 200 };

        Assert.Null(ItemIndexFile.Read(Copy(), new MemoryStream(Stored(options)), options));
    }

    [Fact]
    public void A_cut_or_foreign_stream_is_a_format_error()
    {
        var stored = Stored(ItemIndexOptions.Default);

        Assert.Throws<ModelFormatException>(() => ItemIndexFile.Read(Copy(), new MemoryStream(stored[..(stored.Length / 2)]), ItemIndexOptions.Default));
        Assert.Throws<ModelFormatException>(() => ItemIndexFile.Read(Copy(), new MemoryStream(new byte[64]), ItemIndexOptions.Default));
    }
}
