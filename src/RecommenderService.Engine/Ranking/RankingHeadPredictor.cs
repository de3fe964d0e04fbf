namespace RecommenderService.Engine;

/// <summary>
/// A model with both heads seen as an <see cref="IRatingPredictor"/>: predictions (RMSE, MAE) from the rating head,
/// item scores (the ranking metrics) from <see cref="ListScore"/> (the ranking head weighted by the rating head, the
/// service's lists; <see cref="ListScore.RankingOnly"/> for the ranking head alone), so one <see cref="Evaluation"/> reports both.
/// </summary>
public sealed class RankingHeadPredictor : IRatingPredictor
{
    public RankingHeadPredictor(FactorModel model, string name = "ranking", ListScore? score = null)
    {
        ListScore = score ?? ListScore.Default;
        ArgumentNullException.ThrowIfNull(model);
        if (model.Ranking is null) throw new ArgumentException("The model has no ranking head.", nameof(model));
        Model = model;
        Name = name;
    }

    public string Name { get; }

    public FactorModel Model { get; }

    public ListScore ListScore { get; }

    public float Predict(int user, int item) => Model.Predict(user, item);

    public void ScoreItems(int user, Span<float> scores)
    {
        var n = Math.Min(scores.Length, Model.Items.Count);
        ListScore.ScoreItems(Model, Model.UserVector(user), Model.UserBias[user], Model.Ranking!.UserVector(user), scores[..n]);
        scores[n..].Fill(float.NaN);
    }
}
