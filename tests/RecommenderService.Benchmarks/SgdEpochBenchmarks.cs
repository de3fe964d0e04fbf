using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// One SGD epoch (set-up excluded) over the speed target's data shape: 8.5 M ratings, 120k users, 20k items,
/// low-rank structure plus noise, k = 64, on one and on two threads, fixed and adaptive steps. Each invocation
/// continues the same training, so it measures steady-state epochs (after the first, which trains the leading vector only).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SgdEpochBenchmarks
{
    private RatingSet _ratings = null!;
    private Func<double> _epoch = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Fixed η (the classic update) or LIBMF's per-row AdaGrad steps (two extra square roots per rating).</summary>
    [Params(false, true)]
    public bool Adaptive { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 120_000, Items = 20_000, Ratings = 8_500_000, Seed = 1 });
        _epoch = new SgdTrainer(new TrainingOptions { Factors = 64, Epochs = 20, Threads = Threads, AdaptiveSteps = Adaptive }).PrepareEpochs(_ratings);
    }

    [Benchmark]
    public double Epoch() => _epoch();
}
