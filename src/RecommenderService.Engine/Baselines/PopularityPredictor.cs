namespace RecommenderService.Engine;

/// <summary>
/// The "most popular unseen items" baseline of top-N evaluation: items ranked by how many training ratings they
/// have (the usual popularity baseline of the implicit-feedback literature); predictions are the item's damped mean
/// (prior count 10, as the service's cold-start <see cref="Popularity"/>), so its RMSE is that of a popularity table.
/// </summary>
public sealed class PopularityPredictor : IRatingPredictor
{
    private const double PriorCount = 10;
    private readonly int[] _counts;
    private readonly float[] _dampedMeans;
    private readonly RatingScale _scale;
    private readonly float _mean;

    private PopularityPredictor(int[] counts, float[] dampedMeans, RatingScale scale, float mean)
    {
        _mean = mean;
        _counts = counts;
        _dampedMeans = dampedMeans;
        _scale = scale;
    }

    public string Name => "popularity";

    public static PopularityPredictor Fit(RatingSet train, RatingScale scale)
    {
        ArgumentNullException.ThrowIfNull(train);
        var counts = new int[train.ItemCount];
        var sums = new double[train.ItemCount];
        for (var r = 0; r < train.Count; r++)
        {
            counts[train.Item[r]]++;
            sums[train.Item[r]] += train.Value[r];
        }
        var mean = train.Mean();
        var damped = new float[train.ItemCount];
        for (var i = 0; i < damped.Length; i++) damped[i] = (float)((PriorCount * mean + sums[i]) / (PriorCount + counts[i]));
        return new PopularityPredictor(counts, damped, scale, (float)mean);
    }

    public float Predict(int user, int item) => _scale.Clamp(item < _dampedMeans.Length ? _dampedMeans[item] : _mean);

    public void ScoreItems(int user, Span<float> scores)
    {
        for (var i = 0; i < scores.Length; i++) scores[i] = i < _counts.Length ? _counts[i] : float.NaN;
    }
}
