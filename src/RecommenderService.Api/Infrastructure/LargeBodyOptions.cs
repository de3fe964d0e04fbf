using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Infrastructure;

/// <summary>How many large JSON bodies a replica reads at once (section <c>LargeBodies</c>).</summary>
public sealed class LargeBodyOptions
{
    public const string SectionName = "LargeBodies";

    /// <summary>A body larger than this, or of unknown length, is large (1 MiB: a 10,000-row batch is up to 20 MB).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long ThresholdBytes { get; set; } = 1024 * 1024;

    /// <summary>Large bodies read and handled at the same time; the rest wait their turn.</summary>
    [Range(1, 64)]
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>How long a large body waits for its turn before the request is answered 503 with Retry-After.</summary>
    [Range(1, 600)]
    public int QueueSeconds { get; set; } = 60;
}
