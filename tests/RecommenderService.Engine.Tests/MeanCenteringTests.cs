namespace RecommenderService.Engine.Tests;

public sealed class MeanCenteringTests
{
    [Fact]
    public void Centering_keeps_every_prediction_and_puts_the_average_user_and_item_at_the_origin()
    {
        const int users = 40, items = 30, k = 5;
        var rng = new SeededRandom(11);
        float Draw(double offset) => (float)(offset + rng.NextDouble() - 0.5);
        var userBias = Enumerable.Range(0, users).Select(_ => Draw(0.7)).ToArray();
        var itemBias = Enumerable.Range(0, items).Select(_ => Draw(-0.4)).ToArray();
        var p = Enumerable.Range(0, users * k).Select(_ => Draw(0.6)).ToArray();
        var q = Enumerable.Range(0, items * k).Select(_ => Draw(0.5)).ToArray();
        // User 3 and item 7 were never trained: zero rows and biases.
        Array.Clear(p, 3 * k, k);
        userBias[3] = 0;
        Array.Clear(q, 7 * k, k);
        itemBias[7] = 0;
        double Score(float mu, float[] bu, float[] bi, float[] pu, float[] qi, int u, int i)
        {
            double s = mu + bu[u] + bi[i];
            for (var j = 0; j < k; j++) s += pu[u * k + j] * qi[i * k + j];
            return s;
        }
        var before = new double[users, items];
        for (var u = 0; u < users; u++)
            for (var i = 0; i < items; i++) before[u, i] = Score(0f, userBias, itemBias, p, q, u, i);

        var mu = MeanCentering.Center(0f, userBias, itemBias, p, q, k);

        for (var u = 0; u < users; u++)
        {
            if (u == 3) continue;
            for (var i = 0; i < items; i++)
                if (i != 7) Assert.Equal(before[u, i], Score(mu, userBias, itemBias, p, q, u, i), tolerance: 1e-4);
        }
        var trainedUsers = Enumerable.Range(0, users).Where(u => u != 3).ToArray();
        var trainedItems = Enumerable.Range(0, items).Where(i => i != 7).ToArray();
        for (var j = 0; j < k; j++)
        {
            Assert.Equal(0, trainedUsers.Average(u => p[u * k + j]), tolerance: 1e-4);
            Assert.Equal(0, trainedItems.Average(i => q[i * k + j]), tolerance: 1e-4);
        }
        Assert.Equal(0, trainedUsers.Average(u => userBias[u]), tolerance: 1e-4);
        Assert.Equal(0, trainedItems.Average(i => itemBias[i]), tolerance: 1e-4);
        // μ is now the average trained user's prediction for the average trained item.
        Assert.Equal(trainedUsers.Average(u => trainedItems.Average(i => before[u, i])), mu, tolerance: 1e-4);
        // The untrained user and item stay at the origin: they are served as the average user and item.
        Assert.True(p.AsSpan(3 * k, k).IndexOfAnyExcept(0f) < 0 && userBias[3] == 0);
        Assert.True(q.AsSpan(7 * k, k).IndexOfAnyExcept(0f) < 0 && itemBias[7] == 0);
    }

    [Fact]
    public void A_model_that_learned_its_mean_serves_a_newcomer_the_average_users_prediction()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 300, Items = 120, Ratings = 12_000, Seed = 8 });
        var options = new TrainingOptions { Factors = 8, Epochs = 15, AdaptiveSteps = true, LearningRate = 0.1f, Threads = 1, Seed = 3 };

        var learned = new SgdTrainer(options with { LearnMean = true }).Train(ratings).Model;
        var fixedMean = new SgdTrainer(options).Train(ratings).Model;

        // Trained from μ = 0, yet μ ends near the ratings' mean, as it starts for the fixed-mean model.
        Assert.InRange(learned.GlobalMean, fixedMean.GlobalMean - 0.25f, fixedMean.GlobalMean + 0.25f);
        // A newcomer (no bias, no vector) gets μ + b_i: the average of every user's prediction for the item.
        for (var i = 0; i < learned.Items.Count; i += 17)
        {
            var average = Enumerable.Range(0, learned.Users.Count).Average(u => (double)learned.Score(u, i));
            Assert.Equal(average, learned.GlobalMean + learned.ItemBias[i], tolerance: 1e-3);
        }
    }
}
