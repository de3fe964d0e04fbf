namespace RecommenderService.Engine;

/// <summary>
/// Anything that predicts ratings by dense user and item indices (the model and every baseline), so one
/// evaluation serves them all.
/// </summary>
public interface IRatingPredictor
{
    /// <summary>A short name for tables, e.g. "biases".</summary>
    string Name { get; }

    /// <summary>The predicted rating, clamped to the rating scale.</summary>
    float Predict(int user, int item);

    /// <summary>Writes a ranking score (higher is better) for every item index into <paramref name="scores"/>.</summary>
    void ScoreItems(int user, Span<float> scores);

    /// <summary>The <paramref name="count"/> best items for <paramref name="user"/> other than <paramref name="excluded"/>.</summary>
    ScoredItem[] Recommend(int user, int count, ReadOnlySpan<int> excluded, int itemCount)
    {
        var scores = new float[itemCount];
        ScoreItems(user, scores);
        return TopK.Of(scores, count, excluded);
    }
}
