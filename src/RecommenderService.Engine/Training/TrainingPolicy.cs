namespace RecommenderService.Engine;

/// <summary>The service's and the CLI's way to turn options into a model.</summary>
public static class TrainingPolicy
{
    /// <summary>
    /// With <see cref="TrainingOptions.Epochs"/> set: exactly that many epochs on all ratings. Otherwise: hold out
    /// <see cref="TrainingOptions.ValidationFraction"/> at random (from the seed), early-stop on it, then refit on
    /// ALL ratings for the best epoch count, so no rating is wasted on the final model.
    /// </summary>
    /// <remarks>
    /// The result's <see cref="TrainingResult.History"/> holds both phases (the refit's epochs have no validation
    /// RMSE), <see cref="TrainingResult.EpochsRun"/> counts both, and <see cref="TrainingResult.BestEpoch"/> and
    /// <see cref="TrainingResult.BestValidationRmse"/> come from the holdout phase.
    /// The holdout phase's training part is a copy made here, so it always becomes the grid itself (consumed);
    /// <paramref name="consumeRatings"/> says the caller will not read <paramref name="all"/> again, so it may too.
    /// </remarks>
    public static TrainingResult Fit(RatingSet all, TrainingOptions options, Action<EpochProgress>? onEpoch = null,
        CancellationToken cancellationToken = default, bool consumeRatings = false)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Epochs is not null)
            return new SgdTrainer(options).Train(all, null, onEpoch, cancellationToken, consumeRatings: consumeRatings);

        var holdout = Holdout(all, options.ValidationFraction, options.Seed);
        var search = new SgdTrainer(options).Train(holdout.Train, holdout.Test, onEpoch, cancellationToken, consumeRatings: true);
        var refit = Refit(all, options, search, onEpoch, cancellationToken, consumeRatings);
        var history = new List<EpochProgress>(search.History.Count + refit.History.Count);
        history.AddRange(search.History);
        history.AddRange(refit.History);
        return new TrainingResult(refit.Model, history.Count, search.BestEpoch, search.BestValidationRmse, history);
    }

    /// <summary>
    /// The refit on every rating after early stopping on a subset of them: a warm continuation of the best model
    /// (<see cref="TrainingOptions.WarmRefitShare"/>), or with share 0 a fresh run for the best epoch count.
    /// </summary>
    public static TrainingResult Refit(RatingSet all, TrainingOptions options, TrainingResult search,
        Action<EpochProgress>? onEpoch = null, CancellationToken cancellationToken = default, bool consumeRatings = false)
    {
        ArgumentNullException.ThrowIfNull(search);
        var best = Math.Max(1, search.BestEpoch);
        var trainer = new SgdTrainer(options with { Epochs = options.RefitEpochs(best) });
        return options.WarmRefitShare > 0 && search.Checkpoint is not null
            ? trainer.Train(all, null, onEpoch, cancellationToken, warmStart: search, consumeRatings: consumeRatings)
            : trainer.Train(all, null, onEpoch, cancellationToken, consumeRatings: consumeRatings);
    }

    /// <summary>A seeded random holdout of <paramref name="fraction"/> of the ratings (at least one, never all).</summary>
    internal static DataSplit Holdout(RatingSet all, double fraction, int seed)
    {
        if (all.Count < 2) throw new ArgumentException("Early stopping needs at least two ratings; set Epochs instead.", nameof(all));
        var order = new int[all.Count];
        for (var r = 0; r < order.Length; r++) order[r] = r;
        var rng = SeededRandom.For(seed, 0x686f_6c64);
        rng.Shuffle(order.AsSpan());
        var held = Math.Clamp((int)Math.Round(all.Count * fraction, MidpointRounding.AwayFromZero), 1, all.Count - 1);
        var validation = order.AsSpan(0, held);
        var train = order.AsSpan(held);
        validation.Sort();
        train.Sort();
        return new DataSplit(all.Subset(train), all.Subset(validation));
    }
}
