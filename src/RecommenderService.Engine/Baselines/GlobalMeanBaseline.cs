namespace RecommenderService.Engine;

/// <summary>Predicts μ, the training mean, for everything. Its ranking is flat, so ties fall to item index order.</summary>
public sealed class GlobalMeanBaseline(float mean, RatingScale scale) : IRatingPredictor
{
    public string Name => "global-mean";

    public float Mean { get; } = mean;

    public static GlobalMeanBaseline Fit(RatingSet train, RatingScale scale) => new((float)train.Mean(), scale);

    public float Predict(int user, int item) => scale.Clamp(Mean);

    public void ScoreItems(int user, Span<float> scores) => scores.Fill(Mean);
}
