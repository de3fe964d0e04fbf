using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine.Tests;

public sealed class SgdTrainerTests
{
    private static readonly TrainingOptions ToyOptions = new()
    {
        Factors = 3, Epochs = 400, LearningRate = 0.03f, Regularization = 0.02f, BiasRegularization = 0.02f,
        InitStdDev = 0.1f, Threads = 1, Seed = 3,
    };

    [Fact]
    public void Learns_the_genre_structure_of_the_toy_matrix()
    {
        var ratings = ToyRatings.Build();
        var model = new SgdTrainer(ToyOptions).Train(ratings).Model;
        float Predict(string user, string film) =>
            model.Predict(ratings.Users.TryGetIndex(user, out var u) ? u : -1, ratings.Items.TryGetIndex(film, out var i) ? i : -1);

        // Missing cells follow the taste of the user's group.
        Assert.True(Predict("Alice", "Inception") > Predict("Alice", "Titanic"));
        Assert.True(Predict("Alice", "Inception") > Predict("Alice", "Moana"));
        Assert.True(Predict("Alice", "Inception") > 3.5f);
        Assert.True(Predict("Bob", "The Notebook") < Predict("Bob", "The Matrix"));
        Assert.True(Predict("Carol", "Interstellar") < Predict("Carol", "Titanic"));
        Assert.True(Predict("Dave", "Inception") < Predict("Dave", "Moana"));
        Assert.True(Predict("Dave", "Inception") < 2.5f);
    }

    [Fact]
    public void Same_seed_with_one_thread_reproduces_the_model_bit_for_bit()
    {
        var ratings = TestData.LowRank(80, 60, 0.3);
        var options = new TrainingOptions { Factors = 10, Epochs = 5, Threads = 1, Seed = 9 };
        var a = new SgdTrainer(options).Train(ratings);
        var b = new SgdTrainer(options).Train(ratings);
        var c = new SgdTrainer(options with { Seed = 10 }).Train(ratings);

        Assert.True(SameBits(a.Model.UserFactors, b.Model.UserFactors));
        Assert.True(SameBits(a.Model.ItemFactors, b.Model.ItemFactors));
        Assert.True(SameBits(a.Model.UserBias, b.Model.UserBias));
        Assert.True(SameBits(a.Model.ItemBias, b.Model.ItemBias));
        Assert.Equal(a.History.Select(h => h.TrainRmse), b.History.Select(h => h.TrainRmse));
        Assert.False(SameBits(a.Model.ItemFactors, c.Model.ItemFactors));
    }

    [Fact]
    public void Grid_schedule_gives_the_same_model_on_one_or_two_threads()
    {
        // Blocks of one round share no rows and every random stream is keyed by (seed, epoch, block),
        // so the thread count must not change a single bit once the grid is fixed.
        var ratings = TestData.LowRank(200, 150, 0.2);
        var options = new TrainingOptions { Factors = 16, Epochs = 3, Seed = 4 };
        var one = new SgdTrainer(options with { Threads = 1 }) { GridSize = 4 }.Train(ratings).Model;
        var two = new SgdTrainer(options with { Threads = 2 }) { GridSize = 4 }.Train(ratings).Model;
        Assert.True(SameBits(one.UserFactors, two.UserFactors));
        Assert.True(SameBits(one.ItemFactors, two.ItemFactors));
    }

    [Fact]
    public void Adaptive_steps_give_the_same_model_on_one_or_two_threads_and_differ_from_fixed_steps()
    {
        // The AdaGrad accumulators belong to rows like the factors, so blocks of one round still share nothing.
        var ratings = TestData.LowRank(200, 150, 0.2);
        var options = new TrainingOptions { Factors = 40, Epochs = 3, Seed = 4, AdaptiveSteps = true, LearningRate = 0.1f };
        var one = new SgdTrainer(options with { Threads = 1 }) { GridSize = 4 }.Train(ratings).Model;
        var two = new SgdTrainer(options with { Threads = 2 }) { GridSize = 4 }.Train(ratings).Model;
        var again = new SgdTrainer(options with { Threads = 2 }) { GridSize = 4 }.Train(ratings).Model;
        var fixedSteps = new SgdTrainer(options with { Threads = 1, AdaptiveSteps = false }) { GridSize = 4 }.Train(ratings).Model;
        Assert.True(SameBits(one.UserFactors, two.UserFactors));
        Assert.True(SameBits(one.ItemFactors, two.ItemFactors));
        Assert.True(SameBits(two.ItemFactors, again.ItemFactors));
        Assert.False(SameBits(one.ItemFactors, fixedSteps.ItemFactors));
    }

    [Fact]
    public void Runs_trained_in_registers_give_the_same_model_bit_for_bit_as_the_general_path()
    {
        // k = 64 is four AVX-512 vectors, the rows AdaptiveRunInRegisters takes; three epochs cover the first (leading
        // vector only, ratings shuffled) and later ones, a 4×4 grid many runs per block and the prefetch across runs.
        var ratings = TestData.LowRank(300, 200, 0.2);
        var options = new TrainingOptions
        {
            Factors = 64, Epochs = 3, Seed = 6, AdaptiveSteps = true, LearnMean = true, LearningRate = 0.1f, Threads = 2,
        };
        var registers = new SgdTrainer(options) { GridSize = 4 }.Train(ratings).Model;
        var general = new SgdTrainer(options) { GridSize = 4, RunsInRegisters = false }.Train(ratings).Model;
        var stride = SgdKernel.PaddedLength(options.Factors);
        Assert.Equal(Vector512.IsHardwareAccelerated, AdaptiveRunInRegisters.Applies(stride));
        Assert.True(SameBits(registers.UserFactors, general.UserFactors));
        Assert.True(SameBits(registers.ItemFactors, general.ItemFactors));
        Assert.True(SameBits(registers.UserBias, general.UserBias));
        Assert.True(SameBits(registers.ItemBias, general.ItemBias));
        // Not vacuous: the run trained (a zero or unchanged model would also be "the same").
        Assert.Contains(registers.UserFactors, f => f != 0f);
    }

    [Fact]
    public void Adaptive_steps_reach_a_lower_test_rmse_than_fixed_steps_in_the_same_few_epochs()
    {
        // The reason the rule exists: per-row steps η/√G move rarely seen rows quickly while frequent rows settle.
        var all = TestData.LowRank(300, 200, 0.25, noise: 0.2);
        var split = TrainingPolicy.Holdout(all, 0.2, 1);
        var options = new TrainingOptions { Factors = 8, Epochs = 10, Regularization = 0.05f, InitStdDev = 0.01f, Threads = 1 };
        var fixedSteps = TestData.Rmse(new SgdTrainer(options with { LearningRate = 0.01f }).Train(split.Train).Model, split.Test);
        var adaptive = TestData.Rmse(new SgdTrainer(options with { LearningRate = 0.1f, AdaptiveSteps = true, LearningRateDecay = 1 })
            .Train(split.Train).Model, split.Test);
        Assert.True(adaptive < fixedSteps - 0.02, $"adaptive {adaptive:F4}, fixed {fixedSteps:F4}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_warm_start_continues_the_run(bool adaptive)
    {
        // Rows, step accumulators, η and the epoch count carry over, so 3 + 2 epochs track 5 epochs (not bit for bit:
        // the visiting order is shuffled in place, and the continuation's grid starts from the seed's order again).
        var ratings = TestData.LowRank(120, 90, 0.3);
        var options = new TrainingOptions { Factors = 24, Seed = 5, Threads = 1, AdaptiveSteps = adaptive, LearningRate = adaptive ? 0.1f : 0.01f };
        var five = new SgdTrainer(options with { Epochs = 5 }).Train(ratings);
        var three = new SgdTrainer(options with { Epochs = 3 }).Train(ratings);
        var continued = new SgdTrainer(options with { Epochs = 2 }).Train(ratings, warmStart: three);
        var fresh = new SgdTrainer(options with { Epochs = 2 }).Train(ratings);
        Assert.Equal([4, 5], continued.History.Select(h => h.Epoch));
        Assert.Equal(five.History[3].TrainRmse, continued.History[0].TrainRmse, 0.01 * five.History[3].TrainRmse);
        Assert.Equal(five.History[4].TrainRmse, continued.History[1].TrainRmse, 0.01 * five.History[4].TrainRmse);
        Assert.True(continued.History[1].TrainRmse < fresh.History[1].TrainRmse);
    }

    [Fact]
    public void A_warm_start_from_other_options_is_refused()
    {
        var ratings = TestData.LowRank(60, 40, 0.3);
        var fixedSteps = new SgdTrainer(new TrainingOptions { Factors = 8, Epochs = 1, Threads = 1 }).Train(ratings);
        Assert.Throws<ArgumentException>(() =>
            new SgdTrainer(new TrainingOptions { Factors = 8, Epochs = 1, Threads = 1, AdaptiveSteps = true }).Train(ratings, warmStart: fixedSteps));
        Assert.Throws<ArgumentException>(() =>
            new SgdTrainer(new TrainingOptions { Factors = 40, Epochs = 1, Threads = 1 }).Train(ratings, warmStart: fixedSteps));
    }

    [Fact]
    public void Parallel_training_fits_as_well_as_serial_training()
    {
        var all = TestData.LowRank(300, 200, 0.25, noise: 0.2);
        var split = TrainingPolicy.Holdout(all, 0.2, 1);
        var options = new TrainingOptions { Factors = 8, Epochs = 40, LearningRate = 0.01f, Regularization = 0.05f, InitStdDev = 0.1f };
        var serial = TestData.Rmse(new SgdTrainer(options with { Threads = 1 }).Train(split.Train).Model, split.Test);
        var parallel = TestData.Rmse(new SgdTrainer(options with { Threads = 2 }) { GridSize = 4 }.Train(split.Train).Model, split.Test);
        Assert.InRange(parallel, serial - 0.05, serial + 0.05);
        Assert.True(serial < 0.9, $"test RMSE {serial}");
    }

    [Fact]
    public void Early_stopping_stops_on_planted_overfitting_and_returns_the_best_epoch()
    {
        // Tiny noisy data, many factors, no regularisation: validation RMSE falls, then rises.
        var all = TestData.LowRank(40, 30, 0.5, rank: 2, noise: 1.0, seed: 5);
        var split = TrainingPolicy.Holdout(all, 0.25, 2);
        var options = new TrainingOptions
        {
            Factors = 40, MaxEpochs = 500, Patience = 5, LearningRate = 0.05f, Regularization = 0, BiasRegularization = 0,
            InitStdDev = 0.3f, Threads = 1,
        };
        var result = new SgdTrainer(options).Train(split.Train, split.Test);

        var validation = result.History.Select(h => h.ValidationRmse!.Value).ToArray();
        var best = Array.IndexOf(validation, validation.Min()) + 1;
        Assert.True(result.EpochsRun < options.MaxEpochs);
        Assert.Equal(best, result.BestEpoch);
        Assert.Equal(result.BestEpoch + options.Patience, result.EpochsRun);
        Assert.Equal(validation.Min(), result.BestValidationRmse);
        // The model scores with TensorPrimitives, the trainer with its padded kernel: equal up to float rounding.
        Assert.Equal(result.BestValidationRmse!.Value, TestData.Rmse(result.Model, split.Test), 5);
    }

    [Fact]
    public void Early_stopping_ends_at_once_when_every_rating_is_alike()
    {
        // Likes imported as stars: nothing to learn, and the validation error would otherwise keep shrinking in the
        // sixth decimal until MaxEpochs.
        var planted = TestData.LowRank(60, 40, 0.3, rank: 2, noise: 0.5, seed: 7);
        var likes = new RatingSet(planted.Users, planted.Items, planted.User, planted.Item, Enumerable.Repeat(5f, planted.Count).ToArray(), planted.Time);
        var split = TrainingPolicy.Holdout(likes, 0.2, 3);
        var options = new TrainingOptions { Factors = 8, MaxEpochs = 200, Patience = 10, Threads = 1 };

        var result = new SgdTrainer(options).Train(split.Train, split.Test);

        Assert.True(result.EpochsRun <= 2, $"{result.EpochsRun} epochs, validation RMSE {result.BestValidationRmse}");
        Assert.True(result.BestValidationRmse <= SgdTrainer.NothingLeftToLearn * 4);
        // Real ratings never get near it: the planted set itself trains on.
        Assert.True(new SgdTrainer(options).Train(TrainingPolicy.Holdout(planted, 0.2, 3).Train, TrainingPolicy.Holdout(planted, 0.2, 3).Test).EpochsRun > 2);
    }

    [Fact]
    public void Progress_is_reported_once_per_epoch_with_validation_rmse_when_given()
    {
        var all = TestData.LowRank(50, 40, 0.4);
        var split = TrainingPolicy.Holdout(all, 0.2, 3);
        var seen = new List<EpochProgress>();
        var result = new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 6, Patience = 100, Threads = 1 })
            .Train(split.Train, split.Test, seen.Add);
        Assert.Equal(Enumerable.Range(1, 6), seen.Select(e => e.Epoch));
        Assert.All(seen, e => Assert.NotNull(e.ValidationRmse));
        Assert.All(seen, e => Assert.True(e.TrainRmse > 0 && e.Seconds >= 0));
        Assert.Equal(seen, result.History);
    }

    [Fact]
    public void Cancellation_between_epochs_throws_operation_canceled()
    {
        var ratings = TestData.LowRank(50, 40, 0.4);
        using var cts = new CancellationTokenSource();
        var epochs = 0;
        var trainer = new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 50, Threads = 2 });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(ratings, null, _ =>
        {
            if (++epochs == 2) cts.Cancel();
        }, cts.Token));
        Assert.Equal(2, epochs);
    }

    [Fact]
    public void An_already_cancelled_token_stops_before_any_epoch()
    {
        var ratings = TestData.LowRank(50, 40, 0.4);
        var epochs = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new SgdTrainer(new TrainingOptions { Epochs = 5 }).Train(ratings, null, _ => epochs++, new CancellationToken(true)));
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void Without_biases_the_mean_and_biases_stay_zero()
    {
        var ratings = TestData.LowRank(50, 40, 0.4);
        var model = new SgdTrainer(new TrainingOptions { Factors = 4, Epochs = 5, UseBiases = false, Threads = 1 }).Train(ratings).Model;
        Assert.Equal(0f, model.GlobalMean);
        Assert.All(model.UserBias, b => Assert.Equal(0f, b));
        Assert.All(model.ItemBias, b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Model_has_the_training_ids_and_unpadded_rows()
    {
        var ratings = ToyRatings.Build();
        var model = new SgdTrainer(ToyOptions with { Factors = 5, Epochs = 2 }).Train(ratings).Model;
        Assert.Equal(5, model.Factors);
        Assert.Equal(ratings.Users.Ids, model.Users.Ids);
        Assert.Equal(ratings.Items.Ids, model.Items.Ids);
        Assert.Equal(ratings.UserCount * 5, model.UserFactors.Length);
        Assert.NotSame(ratings.Users, model.Users);
    }

    [Fact]
    public void A_grid_that_consumes_its_ratings_equals_one_that_keeps_them_and_empties_the_set()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 500, Items = 150, Ratings = 20_000, Seed = 6 });
        var copy = ratings.Subset(Enumerable.Range(0, ratings.Count).ToArray());

        var copied = new RatingGrid(ratings, 4);
        var consumed = new RatingGrid(copy, 4, consume: true);

        Assert.Equal(copied.Items, consumed.Items);
        Assert.Equal(copied.Values, consumed.Values);
        Assert.Equal(copied.Runs.Select(r => (r.User, r.Start, r.Count)), consumed.Runs.Select(r => (r.User, r.Start, r.Count)));
        Assert.Equal(copied.RunStart, consumed.RunStart);
        // The consumed set let go of its arrays (its id maps stay); the kept one is untouched.
        Assert.Equal(0, copy.Count);
        Assert.Empty(copy.Item);
        Assert.Equal(ratings.UserCount, copy.UserCount);
        Assert.Equal(20_000, ratings.Count);
        // Every rating is in the run of its user, in its block: the grid is a regrouping, nothing lost or duplicated.
        var fromGrid = consumed.Runs.SelectMany(r => Enumerable.Range(r.Start, r.Count).Select(x => (r.User, consumed.Items[x], consumed.Values[x])));
        var original = Enumerable.Range(0, ratings.Count).Select(r => (ratings.User[r], ratings.Item[r], ratings.Value[r]));
        Assert.Equal(original.Order(), fromGrid.Order());
    }

    [Fact]
    public void Training_on_consumed_ratings_gives_the_same_model_bit_for_bit()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 400, Items = 120, Ratings = 15_000, Seed = 2 });
        var options = new TrainingOptions { Factors = 8, Threads = 1, Seed = 5, MaxEpochs = 30, Patience = 3 };
        var copy = ratings.Subset(Enumerable.Range(0, ratings.Count).ToArray());

        var kept = TrainingPolicy.Fit(ratings, options).Model;
        var consumed = TrainingPolicy.Fit(copy, options, consumeRatings: true).Model;

        Assert.True(SameBits(kept.UserFactors, consumed.UserFactors));
        Assert.True(SameBits(kept.ItemFactors, consumed.ItemFactors));
        Assert.True(SameBits(kept.ItemBias, consumed.ItemBias));
        Assert.Equal(kept.GlobalMean, consumed.GlobalMean);
    }

    private static bool SameBits(float[] a, float[] b) =>
        MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));
}
