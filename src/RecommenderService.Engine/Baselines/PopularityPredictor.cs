namespace RecommenderService.Engine;

/// <summary>
/// Popularity lists for evaluation, the quality gate and the newcomer judging. <see cref="PopularityList.MostRated"/>: the
/// "most popular unseen items" baseline of top-N evaluation, items ranked by how many training ratings they have (the
/// usual popularity baseline of the implicit-feedback literature). Every other list is ranked exactly as the service
/// serves it (<see cref="Popularity"/>). Predictions are the item's damped mean whatever the list, so its RMSE is that of
/// a popularity table.
/// </summary>
public sealed class PopularityPredictor : IRatingPredictor
{
    /// <summary>The prior count C of the damped mean, as the service's default.</summary>
    public const double DefaultPriorCount = 10;

    private readonly PopularityList _list;
    private readonly int[] _counts;
    private readonly float[]? _position;
    private readonly float[] _dampedMeans;
    private readonly RatingScale _scale;
    private readonly float _mean;

    private PopularityPredictor(PopularityList list, int[] counts, float[] dampedMeans, float[]? position, RatingScale scale, float mean)
    {
        _list = list;
        _position = position;
        _mean = mean;
        _counts = counts;
        _dampedMeans = dampedMeans;
        _scale = scale;
    }

    public string Name => _list == PopularityList.MostRated ? "popularity" : PopularityLists.Name(_list);

    /// <summary>
    /// Any list of <paramref name="counts"/>, ranked exactly as <see cref="Popularity.Rank(PopularityList, PopularityCounts, double, int, ReadOnlySpan{int})"/>
    /// serves it; predictions are the damped mean of the damped-mean list's window.
    /// </summary>
    public static PopularityPredictor For(PopularityList list, PopularityCounts counts, double priorCount, RatingScale scale)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var items = counts.ItemCount;
        var damped = new float[items];
        for (var i = 0; i < items; i++)
            damped[i] = counts.WindowCounts[i] == 0 ? (float)counts.WindowMean
                : (float)Popularity.DampedMean(counts.WindowSums[i], counts.WindowCounts[i], counts.WindowMean, priorCount);
        var position = list == PopularityList.MostRated ? null
            : Positions(Popularity.Rank(list, counts, priorCount, items, ReadOnlySpan<int>.Empty), items);
        return new PopularityPredictor(list, counts.Counts, damped, position, scale, (float)counts.WindowMean);
    }

    /// <summary>
    /// Counts and damped means (prior count <paramref name="priorCount"/>) of <paramref name="train"/>; lists rank by
    /// <paramref name="list"/>. With <paramref name="since"/>, the damped-mean list counts only ratings at or after it (the
    /// service's <c>Popularity:WindowDays</c>), as <see cref="Popularity.Rank(RatingSet, double, int, ReadOnlySpan{int}, long?)"/>.
    /// </summary>
    public static PopularityPredictor Fit(RatingSet train, RatingScale scale, PopularityList list = PopularityList.MostRated,
        double priorCount = DefaultPriorCount, long? since = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!(priorCount >= 0) || double.IsInfinity(priorCount))
            throw new ArgumentOutOfRangeException(nameof(priorCount), priorCount, "The prior count must be zero or positive.");
        var counts = new int[train.ItemCount];
        var sums = new double[train.ItemCount];
        for (var r = 0; r < train.Count; r++)
        {
            counts[train.Item[r]]++;
            sums[train.Item[r]] += train.Value[r];
        }
        var mean = train.Mean();
        var damped = new float[train.ItemCount];
        for (var i = 0; i < damped.Length; i++)
            damped[i] = counts[i] == 0 ? (float)mean : (float)Popularity.DampedMean(sums[i], counts[i], mean, priorCount);
        // The damped-mean list is the served one, so it is ranked by the served list's own rule and kept as positions.
        // All time, the counts above are the list's; a window counts its own.
        var position = list == PopularityList.MostRated ? null
            : Positions(since is null
                ? Popularity.Rank(counts, sums, mean, priorCount, train.ItemCount, ReadOnlySpan<int>.Empty)
                : Popularity.Rank(train, priorCount, train.ItemCount, ReadOnlySpan<int>.Empty, since), train.ItemCount);
        return new PopularityPredictor(list, counts, damped, position, scale, (float)mean);
    }

    public float Predict(int user, int item) => _scale.Clamp(item < _dampedMeans.Length ? _dampedMeans[item] : _mean);

    public void ScoreItems(int user, Span<float> scores)
    {
        for (var i = 0; i < scores.Length; i++)
            scores[i] = i >= _counts.Length ? float.NaN
                : _list == PopularityList.MostRated ? _counts[i]
                // Higher = earlier in the served list; items it does not hold (no ratings counted) are never listed.
                : _position![i];
    }

    private static float[] Positions(ScoredItem[] ranking, int items)
    {
        var score = new float[items];
        Array.Fill(score, float.NaN);
        for (var k = 0; k < ranking.Length; k++) score[ranking[k].Item] = ranking.Length - k;
        return score;
    }
}
