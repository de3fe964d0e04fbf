namespace RecommenderService.Engine;

/// <summary>What <see cref="TemporalTraining.Run"/> produced.</summary>
/// <param name="Model">Both heads refitted on every rating: the model to serve.</param>
/// <param name="HoldoutModel">Both heads trained on the ratings before the cut only: the model the report judges.</param>
/// <param name="Split">The ratings before the cut (train) and the newest ones (test), sharing the input's id maps.</param>
/// <param name="TestRows">Indices into the input of the test ratings, ascending (so callers can pick holdout subsets).</param>
/// <param name="Options">The rating head's options with the epoch count actually used for the refit.</param>
/// <param name="BestEpoch">The early-stopping epoch of the rating head.</param>
/// <param name="Report">The holdout model judged on the holdout.</param>
/// <param name="Timings">Seconds per stage.</param>
public sealed record TemporalTrainingResult(
    FactorModel Model, FactorModel HoldoutModel, DataSplit Split, int[] TestRows,
    TrainingOptions Options, int BestEpoch, HoldoutReport Report, StageTimings Timings)
{
    /// <summary>The ranking head's options both heads were trained with (the penalty the search chose); null without a ranking head.</summary>
    public RankingOptions? Ranking { get; init; }

    /// <summary>The penalty search on the ratings before the cut; null when it was off or there is no ranking head.</summary>
    public RankingSearchResult? RankingSearch { get; init; }

    /// <summary>How the user map's λ was chosen; null without a user map.</summary>
    public UserMapPenaltyChoice? UserMapChoice { get; init; }
}
