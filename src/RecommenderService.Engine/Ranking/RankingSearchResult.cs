namespace RecommenderService.Engine;

/// <summary>What <see cref="RankingSearch"/> chose and why.</summary>
/// <param name="Options">The ranking options to train with: the input's, with the penalty multiplied by <paramref name="Multiplier"/>.</param>
/// <param name="Multiplier">The chosen multiplier of the penalty (1 = the rule's own λ, also when nothing could be judged).</param>
/// <param name="Steps">Every multiplier tried, in order, with its validation NDCG@10.</param>
/// <param name="PopularityNdcg">Popularity's NDCG@10 on the same validation users (null when nothing could be judged).</param>
/// <param name="Head">
/// The chosen candidate, trained on the validation split's training part (null when nothing could be judged): a warm
/// start for the head trained on all of the search's ratings (<see cref="RankingTrainer.Train"/>).
/// </param>
public sealed record RankingSearchResult(RankingOptions Options, float Multiplier, IReadOnlyList<RankingSearchStep> Steps, double? PopularityNdcg,
    RankingHead? Head = null);

/// <summary>One trial of <see cref="RankingSearch"/>.</summary>
/// <param name="Multiplier">Multiplier of the penalty.</param>
/// <param name="Regularization">The λ it meant on the validation training part.</param>
/// <param name="Ndcg">NDCG@10 (every held-out item relevant) of the ranking head's lists on the validation users.</param>
public readonly record struct RankingSearchStep(float Multiplier, float Regularization, double Ndcg);
