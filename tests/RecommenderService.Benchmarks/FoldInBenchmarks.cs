using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>Fold-in of a user with 50 ratings at k = 64: the (k+1)² normal equations and their Cholesky solve.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class FoldInBenchmarks
{
    private FactorModel _model = null!;
    private int[] _items = null!;
    private float[] _values = null!;

    [Params(50)]
    public int Ratings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModels.Random(users: 10, items: 20_000, factors: 64);
        _items = BenchmarkModels.RatedItems(20_000, Ratings);
        var random = new Random(3);
        _values = _items.Select(_ => (float)random.Next(1, 6)).ToArray();
    }

    [Benchmark]
    public FoldedUser FoldIn50() => FoldIn.Solve(_model, _items, _values, 0.05f * Ratings);
}
