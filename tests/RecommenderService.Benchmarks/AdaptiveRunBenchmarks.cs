using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// Why <c>AdaptiveRunInRegisters</c> exists: one steady-state adaptive SGD epoch at k = 64 (four AVX-512 vectors) on
/// the speed target's data shape (8.5 M ratings, 120k users, 20k items), one thread, a 4×4 grid (the two-thread
/// grid, so runs are as short as in the service's training), with a user's run held in registers or through memory.
/// The two give the same model bit for bit (<c>SgdTrainerTests</c>); only the time differs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AdaptiveRunBenchmarks
{
    private Func<double> _epoch = null!;

    [Params(false, true)]
    public bool InRegisters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var ratings = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 120_000, Items = 20_000, Ratings = 8_500_000, Seed = 1 });
        var options = new TrainingOptions { Factors = 64, Epochs = 20, Threads = 1, AdaptiveSteps = true, LearnMean = true, LearningRate = 0.1f };
        _epoch = new SgdTrainer(options) { GridSize = 4, RunsInRegisters = InRegisters }.PrepareEpochs(ratings);
    }

    [Benchmark]
    public double Epoch() => _epoch();
}
