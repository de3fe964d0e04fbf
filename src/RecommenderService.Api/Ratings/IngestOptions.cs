using System.ComponentModel.DataAnnotations;

namespace RecommenderService.Api.Ratings;

/// <summary>Body size limits of the rating-ingest routes (section <c>Ingest</c>); a larger body is a 413 problem.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>One rating (<c>PUT /users/{userId}/ratings/{itemId}</c>).</summary>
    [Range(1024, 16L * 1024 * 1024)]
    public long MaxRatingBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// A JSON batch of at most <see cref="MaxBatchRatings"/> ratings. Never below <see cref="LegalBatchBytes"/>,
    /// so every legal batch fits however its text is escaped.
    /// </summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBatchBytes { get; set; } = LegalBatchBytes;

    /// <summary>
    /// A CSV import. Imports stream (see <see cref="ImportChunkRows"/>), so this bounds the transaction, not
    /// memory: 16 GiB is about 500M MovieLens-style lines.
    /// </summary>
    [Range(1024, 1024L * 1024 * 1024 * 1024)]
    public long MaxImportBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// Lines of a CSV import held in memory at once. An import with more is written to PostgreSQL a chunk
    /// at a time (one chunk written while the next is parsed), so the replica's memory stays bounded (about 175
    /// bytes a line when every id is new: 250,000 lines is about 45 MB, two chunks 90 MB) whatever the file's size.
    /// </summary>
    [Range(1, 50_000_000)]
    public int ImportChunkRows { get; set; } = 250_000;

    /// <summary>
    /// Whether a user token's rating may add an item to the catalogue. Off by default: an end user rates only
    /// items that exist (404 for a single rating, 400 naming the row in a batch), so one account cannot fill the
    /// catalogue with made-up items. API keys always may.
    /// </summary>
    public bool UserTokensMayCreateItems { get; set; }

    /// <summary>
    /// Fields a refused batch lists in its <c>errors</c>, the rest counted in the detail: 10,000 empty rows would
    /// otherwise answer 30 KB with 1.8 MB. As many as a refused import lists lines.
    /// </summary>
    public const int MaxListedBatchErrors = 10;

    /// <summary>Most rows in one JSON batch (API.md: 10,000).</summary>
    public const int MaxBatchRatings = 10_000;

    /// <summary>
    /// The most bytes a legal batch row needs: two ids of 128 characters written as <c>\uXXXX</c> escapes
    /// (6 bytes each: what System.Text.Json and many other encoders do with non-ASCII text) = 1,540; an
    /// ISO-8601 timestamp with fraction and offset, escaped the same way = 200; the four property names
    /// escaped = 170; a rating with many digits, punctuation and some whitespace = 138.
    /// </summary>
    public const int MaxBatchRowBytes = 2048;

    /// <summary>The smallest batch limit that admits every legal batch: all rows at their largest, plus the envelope.</summary>
    public const long LegalBatchBytes = (long)MaxBatchRatings * MaxBatchRowBytes + 1024;
}
