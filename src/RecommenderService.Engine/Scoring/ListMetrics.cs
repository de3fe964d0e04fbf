namespace RecommenderService.Engine;

/// <summary>
/// One set of top-K lists judged two ways, plus how many of their items the user disliked (conventions in
/// <see cref="RankingMetrics"/>).
/// </summary>
/// <param name="K">The cut-off.</param>
/// <param name="Rated">Relevant = every held-out item, whatever its rating ("did the user choose it").</param>
/// <param name="Liked">Relevant = held-out items rated ≥ <paramref name="LikedThreshold"/> ("did the user like it").</param>
/// <param name="Disliked">Mean over the users of <paramref name="Rated"/> of disliked@K: the share of the K list
/// positions holding an item the user rated ≤ <paramref name="DislikedThreshold"/> in the test set.</param>
/// <param name="LikedThreshold">The liked threshold in force.</param>
/// <param name="DislikedThreshold">The disliked threshold in force.</param>
public readonly record struct ListMetrics(int K, RankingScores Rated, RankingScores Liked, double Disliked,
    float LikedThreshold, float DislikedThreshold);
