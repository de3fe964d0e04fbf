namespace RecommenderService.Cli.Tests;

/// <summary>What <c>recsys train</c> writes into the model file: the heads and how the ranking head read ratings.</summary>
public sealed class TrainCommandTests
{
    [Fact]
    public void Recsys_train_writes_both_heads_unless_told_not_to()
    {
        using var dir = new TempDirectory();
        var ratings = dir.File("ratings.tsv");
        var model = dir.File("model.rsm");
        var ratingOnly = dir.File("rating-only.rsm");
        var output = new StringWriter();
        Assert.Equal(0, RecsysCommandLine.Run(["generate", "--users", "60", "--items", "30", "--ratings", "800", "--output", ratings], output, output));
        Assert.Equal(0, RecsysCommandLine.Run(["train", "--ratings", ratings, "--output", model, "--factors", "4", "--epochs", "3",
            "--ranking-factors", "8", "--ranking-iterations", "3", "--threads", "1"], output, output));
        Assert.Equal(0, RecsysCommandLine.Run(["train", "--ratings", ratings, "--output", ratingOnly, "--factors", "4", "--epochs", "3",
            "--no-ranking", "--threads", "1"], output, output));

        Assert.Equal(8, ModelFile.Read(model).Ranking?.Factors);
        Assert.Null(ModelFile.Read(ratingOnly).Ranking);
    }

    [Fact]
    public void Recsys_train_writes_the_negatives_into_the_model_file()
    {
        using var dir = new TempDirectory();
        var ratings = dir.File("ratings.tsv");
        var model = dir.File("model.rsm");
        var output = new StringWriter();
        Assert.Equal(0, RecsysCommandLine.Run(["generate", "--users", "60", "--items", "30", "--ratings", "800", "--output", ratings], output, output));

        Assert.Equal(0, RecsysCommandLine.Run(["train", "--ratings", ratings, "--output", model, "--factors", "4", "--epochs", "3",
            "--ranking-factors", "4", "--ranking-negatives", "2", "--ranking-negative-alpha", "3", "--ranking-weighting", "squared",
            "--ranking-search", "off", "--threads", "1"], output, output));

        Assert.Equal(new RankingFeedback(ConfidenceWeighting.RatingSquared, new RankingOptions().Alpha, 2f, 3f), ModelFile.Read(model).Ranking!.Feedback);
    }
}
