using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>Top-10 for one user: one SIMD pass over Q plus the bounded heap, with and without the user's rated items excluded.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class TopKScanBenchmarks
{
    private FactorModel _model = null!;
    private int[] _rated = null!;

    [Params(20_000, 60_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModels.Random(users: 100, items: Items, factors: 64);
        _rated = BenchmarkModels.RatedItems(Items, 200);
    }

    [Benchmark(Baseline = true)]
    public ScoredItem[] Top10() => TopKScan.ForUser(_model, 7, 10, []);

    [Benchmark]
    public ScoredItem[] Top10Excluding200Rated() => TopKScan.ForUser(_model, 7, 10, _rated);

    [Benchmark]
    public ScoredItem[] MostSimilar10() => ItemSimilarity.MostSimilar(_model, 11, 10);
}
