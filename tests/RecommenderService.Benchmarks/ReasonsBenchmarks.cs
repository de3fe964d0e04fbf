using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// Reasons for a page of 10 items at k = 64 over 20k items (<see cref="RankingReasons"/>): the per-user part (the k×k
/// W^u and the exact solve, cached with the user's vector) and one page explained from it, by the user's rating count.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ReasonsBenchmarks
{
    private FactorModel _model = null!;
    private int[] _items = null!;
    private float[] _values = null!;
    private int[] _page = null!;
    private RankingReasons _reasons = null!;

    [Params(20, 100, 500)]
    public int Ratings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rating = BenchmarkModels.Random(users: 10, items: 20_000, factors: 64);
        var random = new Random(5);
        var itemFactors = new float[20_000 * 64];
        for (var j = 0; j < itemFactors.Length; j++) itemFactors[j] = (float)(random.NextDouble() - 0.5) * 0.2f;
        _model = rating.WithRanking(new RankingHead(64, new float[10 * 64], itemFactors, 0.25f, ConfidenceWeighting.Rating, 20f));
        _items = BenchmarkModels.RatedItems(20_000, Ratings);
        _values = _items.Select(_ => (float)random.Next(1, 6)).ToArray();
        _reasons = RankingReasons.For(_model, _items, _values);
        _page = TopKScan.ForUserRanking(_model, _reasons.Vector, 10, _items).Select(s => s.Item).ToArray();
    }

    /// <summary>What a user's first list with reasons pays once per model: W^u and the solve.</summary>
    [Benchmark]
    public RankingReasons PerUser() => RankingReasons.For(_model, _items, _values);

    /// <summary>Each page after that: the top 3 of every rated item's contribution to 10 items.</summary>
    [Benchmark]
    public ItemReasons[] Page()
    {
        var page = new ItemReasons[_page.Length];
        for (var r = 0; r < page.Length; r++) page[r] = _reasons.Explain(_page[r]);
        return page;
    }
}
