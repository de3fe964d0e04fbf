namespace RecommenderService.Engine.Tests;

public sealed class ColdItemsTests
{
    /// <summary>Three trained items; the map learns "a" and "b" (with a ranking head, so both heads are derived).</summary>
    private static FactorModel Trained()
    {
        var model = new FactorModel(new IdMap(["u1", "u2"]), new IdMap(["i1", "i2", "i3"]), 2, 3.5f, [0.25f, -0.5f], [0.5f, -1f, 0f],
                [1f, 0.5f, -1f, 2f], [0.5f, 0.25f, -0.75f, 1f, 0f, 0.125f], RatingScale.OneToFive)
            .WithRanking(new RankingHead(1, [1f, -1f], [0.5f, 1.5f, -2f], 0.25f, ConfidenceWeighting.Binary, 2f));
        string[][] attributes = [["a"], ["b"], ["a", "b"]];
        return model.WithAttributeMap(AttributeFactors.Fit(model, i => attributes[i], regularization: 0.1f));
    }

    [Fact]
    public void Appended_items_get_the_vectors_their_attributes_derive_and_trained_items_keep_theirs()
    {
        var model = Trained();

        var served = ColdItems.Append(model, [new("new-a", ["a", "unknown"]), new("new-ab", ["b", "a"])]);

        Assert.Equal(["i1", "i2", "i3", "new-a", "new-ab"], served.Items.Ids);
        Assert.Same(model.AttributeMap, served.AttributeMap);
        var (bias, factors, ranking) = model.AttributeMap!.Derive(["a"]);
        Assert.Equal(bias, served.ItemBias[3]);
        Assert.Equal(factors, served.ItemVector(3).ToArray());
        Assert.Equal(ranking, served.Ranking!.ItemVector(3).ToArray());
        Assert.Equal(model.Scale.Clamp(3.5f + 0.25f + bias + 1f * factors[0] + 0.5f * factors[1]), served.Predict(0, 3), 5);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(model.Predict(1, i), served.Predict(1, i));
            Assert.Equal(model.Ranking!.Score(1, i), served.Ranking.Score(1, i));
        }
    }

    [Fact]
    public void The_served_head_keeps_how_the_trained_head_read_ratings_so_fold_in_is_unchanged()
    {
        // A head with explicit negatives: users folded in against the served model must read a 1 as "not wanted".
        var trained = Trained();
        var feedback = new RankingFeedback(ConfidenceWeighting.RatingSquared, 0.1f, 2f, 4f);
        var head = trained.Ranking!;
        // Same item vectors, so the trained map still fits them.
        var model = trained.WithRanking(new RankingHead(head.Factors, head.UserFactors, head.ItemFactors, feedback, head.Regularization))
            .WithAttributeMap(trained.AttributeMap);

        var served = ColdItems.Append(model, [new("new-a", ["a"])]);

        Assert.Equal(4, served.Items.Count);
        Assert.Equal(feedback, served.Ranking!.Feedback);
    }

    [Fact]
    public void Items_the_model_has_or_whose_attributes_it_does_not_recognise_are_left_out()
    {
        var model = Trained();

        var served = ColdItems.Append(model, [new("i2", ["a"]), new("strange", ["c"]), new("bare", []), new("new", ["b"]), new("new", ["a"])]);

        Assert.Equal(["i1", "i2", "i3", "new"], served.Items.Ids);
        Assert.Equal(model.ItemBias[1], served.ItemBias[1]);
        Assert.Same(model, ColdItems.Append(model, [new("strange", ["c"])]));
    }

    [Fact]
    public void A_model_without_an_attribute_map_is_served_as_it_is()
    {
        var model = Trained().WithAttributeMap(null);

        Assert.Same(model, ColdItems.Append(model, [new("new", ["a"])]));
    }

    [Fact]
    public void Training_with_item_attributes_fits_the_served_models_map_on_its_rated_items()
    {
        var ratings = TestData.LowRank(40, 20, 0.5);
        var attributes = new Dictionary<string, string[]>();
        for (var i = 0; i < ratings.ItemCount; i += 2) attributes[ratings.Items[i]] = [$"group:{i % 3}"];
        attributes["never-rated"] = ["group:9"];
        var options = new TrainingOptions { Factors = 3, Epochs = 5, Threads = 1 };
        var ranking = new RankingOptions { Factors = 2, Iterations = 2, Threads = 1 };

        var trained = TemporalTraining.Run(ratings, options, ranking, 0.2, itemAttributes: attributes);
        var without = TemporalTraining.Run(ratings, options, ranking, 0.2);

        var map = trained.Model.AttributeMap;
        Assert.NotNull(map);
        Assert.Equal(["group:0", "group:1", "group:2"], map.Attributes);
        Assert.Equal(10, map.Fitted);
        Assert.Equal((3, 2), (map.RatingFactors, map.RankingFactors));
        Assert.Null(without.Model.AttributeMap);
        Assert.Null(TemporalTraining.Run(ratings, options, null, 0.2, itemAttributes: new Dictionary<string, string[]> { ["never-rated"] = ["x"] }).Model.AttributeMap);
    }
}
