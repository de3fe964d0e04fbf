namespace RecommenderService.Engine;

/// <summary>How <see cref="RatingFileReader"/> reads a file.</summary>
public sealed record RatingFileReadOptions
{
    /// <summary>
    /// False for pairs files (<c>user TAB item [TAB anything]</c>): the rating column is optional and ignored
    /// (values are NaN), and nothing after the item is parsed.
    /// </summary>
    public bool RequireRating { get; init; } = true;

    /// <summary>
    /// Existing user ids to continue from: the result's user map starts with these ids at the same indices,
    /// so a test file read after its training file shares the training file's indices.
    /// </summary>
    public IdMap? Users { get; init; }

    /// <summary>Existing item ids to continue from; see <see cref="Users"/>.</summary>
    public IdMap? Items { get; init; }

    /// <summary>
    /// False: timestamps are still checked but not kept, and the set has none (<see cref="RatingSet.HasTimes"/>):
    /// 8 bytes a rating less, for uses that never look at time (training on every rating of a file).
    /// </summary>
    public bool KeepTimes { get; init; } = true;
}
