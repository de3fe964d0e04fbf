namespace RecommenderService.Engine;

/// <summary>How <see cref="RankingSearch"/> looks for the ranking head's penalty.</summary>
/// <remarks>
/// Why a search on each training's own data, and what it chose on MovieLens-100k and generated 1M-25M ratings:
/// docs/decisions/0002-ranking-penalty.md.
/// </remarks>
public sealed record RankingSearchOptions
{
    /// <summary>Share of the training ratings held out to judge the candidates (the newest, or per user).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Lists are judged for at most this many validation users (a seeded sample), to bound the cost.</summary>
    public int MaxUsers { get; init; } = 2_000;

    /// <summary>
    /// Candidates are trained on the ratings of a seeded sample of users holding about this many ratings (0 = all),
    /// so the search costs the same at 25M ratings as at 2M (docs/decisions/0012-sampled-penalty-search.md).
    /// </summary>
    public long MaxRatings { get; init; } = 2_000_000;

    /// <summary>Each step multiplies (or divides) λ by this.</summary>
    public float Factor { get; init; } = 2f;

    /// <summary>At most this many steps each way (2⁴ = 16 times or a sixteenth of the rule's λ).</summary>
    public int MaxSteps { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"RankingSearchOptions.ValidationFraction must be in (0, 1) (was {ValidationFraction}).", nameof(ValidationFraction));
        if (MaxUsers < 0) throw new ArgumentException($"RankingSearchOptions.MaxUsers must be 0 (all) or positive (was {MaxUsers}).", nameof(MaxUsers));
        if (MaxRatings < 0) throw new ArgumentException($"RankingSearchOptions.MaxRatings must be 0 (all) or positive (was {MaxRatings}).", nameof(MaxRatings));
        if (!(Factor > 1) || !float.IsFinite(Factor)) throw new ArgumentException($"RankingSearchOptions.Factor must be above 1 (was {Factor}).", nameof(Factor));
        if (MaxSteps < 1) throw new ArgumentException($"RankingSearchOptions.MaxSteps must be at least 1 (was {MaxSteps}).", nameof(MaxSteps));
    }
}
