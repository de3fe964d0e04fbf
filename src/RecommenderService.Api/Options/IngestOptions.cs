using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Options;

/// <summary>Body size limits of the rating-ingest routes (section <c>Ingest</c>); a larger body is a 413 problem.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>One rating (<c>PUT /users/{userId}/ratings/{itemId}</c>).</summary>
    [Range(1024, 16L * 1024 * 1024)]
    public long MaxRatingBytes { get; set; } = 64 * 1024;

    /// <summary>A JSON batch of at most <see cref="MaxBatchRatings"/> ratings; 10,000 rows of 128-character ids fit.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBatchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A CSV import. Its rows are held in memory (about 32 bytes a line) until the body ends, so the cap also bounds memory: 256 MiB is about 10M MovieLens-style lines.</summary>
    [Range(1024, 64L * 1024 * 1024 * 1024)]
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most rows in one JSON batch (API.md: 10,000).</summary>
    public const int MaxBatchRatings = 10_000;
}
