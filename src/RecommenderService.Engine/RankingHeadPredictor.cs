namespace RecommenderService.Engine;

/// <summary>
/// A model with both heads seen as an <see cref="IRatingPredictor"/>: predictions (RMSE, MAE) from the rating head,
/// item scores (the ranking metrics) from the ranking head, so one <see cref="Evaluation"/> reports both.
/// </summary>
public sealed class RankingHeadPredictor : IRatingPredictor
{
    public RankingHeadPredictor(FactorModel model, string name = "ranking")
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Ranking is null) throw new ArgumentException("The model has no ranking head.", nameof(model));
        Model = model;
        Name = name;
    }

    public string Name { get; }

    public FactorModel Model { get; }

    public float Predict(int user, int item) => Model.Predict(user, item);

    public void ScoreItems(int user, Span<float> scores)
    {
        var head = Model.Ranking!;
        var n = Math.Min(scores.Length, head.ItemCount);
        RowDots.Compute(head.ItemFactors.AsSpan(0, n * head.Factors), head.UserVector(user), scores[..n]);
        scores[n..].Fill(float.NaN);
    }
}
