namespace RecommenderService.Engine.Tests;

/// <summary>Fold-in that starts from a profile's vectors (<see cref="ColdUsers"/>) instead of from zero.</summary>
public sealed class FoldInPriorTests
{
    [Fact]
    public void Without_ratings_the_rating_head_fold_in_returns_the_prior()
    {
        var model = TestData.RandomModel(users: 1, items: 20, factors: 4);
        var prior = new FoldedUser(0.3f, [0.1f, -0.2f, 0.4f, 0f]);

        var folded = FoldIn.Solve(model, [], [], 2f, prior);

        Assert.Equal(prior.Bias, folded.Bias, 6);
        for (var f = 0; f < 4; f++) Assert.Equal(prior.Factors[f], folded.Factors[f], 6);
    }

    [Fact]
    public void The_rating_head_fold_in_solves_the_ridge_toward_the_prior()
    {
        // argmin Σ (r − μ − b_i − b − p·q_i)² + λ|(b, p) − x₀|² is the plain fold-in of the residuals after x₀, plus x₀.
        var model = TestData.RandomModel(users: 1, items: 50, factors: 5);
        var prior = new FoldedUser(-0.2f, [0.3f, 0.1f, -0.1f, 0.2f, 0.05f]);
        int[] items = [2, 7, 11, 30];
        float[] values = [5, 1, 4, 2];
        var residual = items.Select((i, j) => values[j] - model.Score(prior.Factors, prior.Bias, i) + model.GlobalMean + model.ItemBias[i]).ToArray();

        var folded = FoldIn.Solve(model, items, values, 1.5f, prior);
        var shifted = FoldIn.Solve(model, items, residual, 1.5f);

        Assert.Equal(prior.Bias + shifted.Bias, folded.Bias, 4);
        for (var f = 0; f < 5; f++) Assert.Equal(prior.Factors[f] + shifted.Factors[f], folded.Factors[f], 4);
    }

    [Fact]
    public void Without_ratings_the_ranking_fold_in_returns_the_prior_and_without_a_prior_it_is_the_plain_fold_in()
    {
        var ratings = TestData.LowRank(60, 30, 0.4);
        var model = new SgdTrainer(new TrainingOptions { Factors = 3, Epochs = 10, Threads = 1 }).Train(ratings).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 3, Iterations = 4, Threads = 1 }).Train(ratings));
        float[] prior = [0.2f, -0.1f, 0.3f];

        var none = FoldIn.SolveRanking(model, [], [], prior);
        var plain = FoldIn.SolveRanking(model, [1, 4], [5f, 3f]);
        var empty = FoldIn.SolveRanking(model, [1, 4], [5f, 3f], []);

        for (var f = 0; f < 3; f++) Assert.Equal(prior[f], none[f], 4);
        Assert.Equal(plain, empty);
    }

    [Fact]
    public void The_ranking_fold_in_with_a_prior_gives_unrated_items_the_priors_preference()
    {
        // (YᵀY + Σ c' y yᵀ + λI) x = (YᵀY + λI) x₀ + Σ [(1 + c') p − x₀·y] y, checked by a dense solve here.
        var ratings = TestData.LowRank(60, 30, 0.4);
        var model = new SgdTrainer(new TrainingOptions { Factors = 3, Epochs = 10, Threads = 1 }).Train(ratings).Model
            .WithRanking(new RankingTrainer(new RankingOptions { Factors = 3, Iterations = 4, Threads = 1 }).Train(ratings));
        var head = model.Ranking!;
        float[] prior = [0.2f, -0.1f, 0.3f];
        int[] items = [1, 4, 9];
        float[] values = [5f, 3f, 1f];

        var x = FoldIn.SolveRanking(model, items, values, prior);

        const int k = 3;
        var a = new double[k, k];
        var b = new double[k];
        for (var i = 0; i < head.ItemCount; i++)
        {
            var y = head.ItemVector(i);
            for (var r = 0; r < k; r++)
                for (var c = 0; c < k; c++) a[r, c] += y[r] * y[c];
        }
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < k; c++) b[r] += a[r, c] * prior[c];
            b[r] += head.Regularization * prior[r];
            a[r, r] += head.Regularization;
        }
        for (var j = 0; j < items.Length; j++)
        {
            var y = head.ItemVector(items[j]);
            var (bonus, target) = head.FeedbackOf(values[j]);
            double t = target;
            double predicted = 0;
            for (var f = 0; f < k; f++) predicted += prior[f] * y[f];
            for (var r = 0; r < k; r++)
            {
                for (var c = 0; c < k; c++) a[r, c] += bonus * y[r] * y[c];
                b[r] += (t - predicted) * y[r];
            }
        }
        var expected = Solve(a, b);
        for (var f = 0; f < k; f++) Assert.Equal(expected[f], x[f], 3);
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
            for (var r = col + 1; r < n; r++)
            {
                var factor = a[r, col] / a[col, col];
                for (var c = col; c < n; c++) a[r, c] -= factor * a[col, c];
                b[r] -= factor * b[col];
            }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = b[r];
            for (var c = r + 1; c < n; c++) sum -= a[r, c] * x[c];
            x[r] = sum / a[r, r];
        }
        return x;
    }
}
