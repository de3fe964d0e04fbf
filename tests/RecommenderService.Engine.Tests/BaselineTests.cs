namespace RecommenderService.Engine.Tests;

public sealed class BaselineTests
{
    private static RatingSet Build(params (string User, string Item, float Value)[] rows)
    {
        var b = new RatingSetBuilder();
        foreach (var (u, i, v) in rows) b.Add(u, i, v);
        return b.Build();
    }

    [Fact]
    public void Global_mean_predicts_the_training_mean()
    {
        var train = Build(("a", "x", 2), ("a", "y", 4), ("b", "x", 3));
        Assert.Equal(3f, GlobalMeanBaseline.Fit(train, RatingScale.OneToFive).Predict(1, 1));
    }

    [Fact]
    public void Biases_rank_a_loved_item_above_a_disliked_one()
    {
        var rows = new List<(string, string, float)>();
        for (var u = 0; u < 50; u++)
        {
            rows.Add(($"u{u}", "loved", 5));
            rows.Add(($"u{u}", "disliked", 1));
        }
        rows.Add(("new", "other", 3));
        var model = BiasBaseline.Fit(Build([.. rows]), RatingScale.OneToFive);
        var user = 50; // "new"
        Assert.True(model.Predict(user, 0) > model.Predict(user, 1));
        Assert.Equal([0], ((IRatingPredictor)model).Recommend(user, 1, [2], 3).Select(s => s.Item));
    }

    [Fact]
    public void Truncated_svd_reconstructs_a_rank_one_matrix()
    {
        // Every cell observed and the matrix is exactly rank one, so a rank-1 SVD must reproduce it.
        var rows = new List<(string, string, float)>();
        float[] a = [1, 2, 2.5f];
        float[] b = [1, 1.5f, 2];
        for (var u = 0; u < a.Length; u++)
            for (var i = 0; i < b.Length; i++) rows.Add(($"u{u}", $"i{i}", a[u] * b[i]));
        var svd = TruncatedSvdBaseline.Fit(Build([.. rows]), RatingScale.OneToFive, new TruncatedSvdOptions { Rank = 1 });
        for (var u = 0; u < a.Length; u++)
            for (var i = 0; i < b.Length; i++) Assert.Equal(Math.Clamp(a[u] * b[i], 1, 5), svd.Predict(u, i), 3);
    }

    [Fact]
    public void Truncated_svd_refuses_a_dense_matrix_over_the_cap()
    {
        var train = Build(("a", "x", 2), ("b", "y", 4));
        var e = Assert.Throws<InvalidOperationException>(() =>
            TruncatedSvdBaseline.Fit(train, RatingScale.OneToFive, new TruncatedSvdOptions { MaxDenseBytes = 8 }));
        Assert.Contains("cap", e.Message);
    }

    [Fact]
    public void Jacobi_eigen_decomposition_of_a_symmetric_matrix_is_sorted_and_correct()
    {
        // [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/√2 and (1,-1)/√2.
        var (values, vectors) = TruncatedSvdBaseline.SymmetricEigen([2, 1, 1, 2], 2);
        Assert.Equal(3, values[0], 10);
        Assert.Equal(1, values[1], 10);
        Assert.Equal(Math.Abs(vectors[0]), Math.Abs(vectors[2]), 10);
    }
}
