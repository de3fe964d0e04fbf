namespace RecommenderService.Engine;

/// <summary>Settings of <see cref="TruncatedSvdBaseline"/>.</summary>
public sealed record TruncatedSvdOptions
{
    /// <summary>Rank k of the reconstruction.</summary>
    public int Rank { get; init; } = 20;

    /// <summary>Extra random directions beyond k for the randomized range finder.</summary>
    public int Oversampling { get; init; } = 10;

    /// <summary>Power (subspace) iterations; each sharpens the captured spectrum.</summary>
    public int PowerIterations { get; init; } = 4;

    /// <summary>The dense users × items float matrix may use at most this many bytes (default 1 GiB).</summary>
    public long MaxDenseBytes { get; init; } = 1L << 30;

    public int Seed { get; init; } = 42;
}
