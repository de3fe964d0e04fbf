namespace RecommenderService.Engine;

/// <summary>Mean Precision@K, Recall@K and NDCG@K over <see cref="Users"/> evaluated users.</summary>
public readonly record struct RankingScores(int K, double Precision, double Recall, double Ndcg, int Users);
