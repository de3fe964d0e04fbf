using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// The implicit-ALS inner loop over one row's rated items (k = 64, 70 items, the speed target's mean row): the
/// register-resident fused kernel against the former two library calls per item (dot, then scaled add).
/// </summary>
[MedianColumn]
public class ConfidenceWeightedSumBenchmarks
{
    private const int Factors = 64;
    private float[] _others = null!;
    private int[] _rated = null!;
    private float[] _bonus = null!;
    private float[] _target = null!;
    private float[] _v = null!;
    private float[] _acc = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _others = Enumerable.Range(0, 20_000 * Factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _rated = Enumerable.Range(0, 70).Select(_ => random.Next(20_000)).ToArray();
        _bonus = _rated.Select(_ => 0.25f * random.Next(1, 6)).ToArray();
        _target = _bonus.Select(c => 1 + c).ToArray();
        _v = Enumerable.Range(0, Factors).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _acc = new float[Factors];
    }

    [Benchmark(Baseline = true)]
    public float TwoLibraryCallsPerItem()
    {
        ConfidenceWeightedSum.AccumulateAnyLength(_others, Factors, _rated, _bonus, _target, _v, _acc, 0, 1);
        return _acc[0];
    }

    [Benchmark]
    public float Fused()
    {
        ConfidenceWeightedSum.Accumulate(_others, Factors, _rated, _bonus, _target, _v, _acc, 0, 1);
        return _acc[0];
    }
}
