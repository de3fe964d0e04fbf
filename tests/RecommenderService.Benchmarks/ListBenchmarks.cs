using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// One fresh recommendation list, the per-request cost when most users are served for the first time: the rating
/// head alone and the service's list (ranking head weighted by the rating head, <see cref="ListScore"/>) over 20,000
/// items, at the small-data rating dimension (k = 256) and the large-data default (k = 64), ranking head h = 64.
/// Why the large-data recipe's k = 64 matters to the rating head's scan, and why lists bound and prune
/// (<see cref="BoundedListScan"/>: the full scan, the fp32 first pass and the served 8-bit first pass side by side;
/// figures in docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ListBenchmarks
{
    private FactorModel _model = null!;
    private int[] _rated = null!;

    [Params(64, 256)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int items = 20_000;
        var model = BenchmarkModels.Random(users: 100, items: items, factors: Factors);
        var ranking = BenchmarkModels.Random(users: 100, items: items, factors: 64, seed: 3);
        _model = model.WithRanking(new RankingHead(64, ranking.UserFactors, ranking.ItemFactors, 0.25f, ConfidenceWeighting.Rating, 20f));
        _rated = BenchmarkModels.RatedItems(items, 70);
    }

    [Benchmark(Baseline = true)]
    public ScoredItem[] RatingHeadTop10() => TopKScan.ForUser(_model, 7, 10, _rated);

    /// <summary>
    /// The service's list: <see cref="BoundedListScan"/>, a first pass over the 8-bit copy of the ranking head, then fp32
    /// in both heads only for items whose bound lets them in.
    /// </summary>
    [Benchmark]
    public ScoredItem[] ListScoreTop10() => TopKScan.ForUserList(_model, 7, 10, _rated);

    /// <summary>The same with the first pass over the fp32 ranking head: what the 8-bit copy saves.</summary>
    [Benchmark]
    public ScoredItem[] ListScoreFp32FirstPassTop10() =>
        BoundedListScan.Top(ListScore.Default, _model, _model.UserVector(7), _model.UserBias[7], _model.Ranking!.UserVector(7), 10, _rated,
            BoundedListScan.FirstPass.Exact, out _);

    /// <summary>The same list scoring every item in both heads: what <see cref="BoundedListScan"/> replaced.</summary>
    [Benchmark]
    public ScoredItem[] ListScoreFullScanTop10() =>
        ListScore.Default.TopByFullScan(_model, _model.UserVector(7), _model.UserBias[7], _model.Ranking!.UserVector(7), 10, _rated);
}
