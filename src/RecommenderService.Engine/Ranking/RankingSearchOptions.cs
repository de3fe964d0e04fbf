namespace RecommenderService.Engine;

/// <summary>How <see cref="RankingSearch"/> looks for the ranking head's penalty.</summary>
/// <remarks>
/// Measured with the service's recipe (<see cref="TemporalTraining"/>, newest 10 % as holdout, lists judged on holdout
/// users with history, NDCG@10 every held-out item relevant). MovieLens-100k, per-user 75/25 (seed 42): the search
/// keeps ×1 (×2 and ×½ both lower on the validation users), so the figures there are unchanged. Generated 1M ratings
/// (10k users, 5k items, <c>recsys generate</c> seed 42): choice following popularity, the search walked ×1 → ×2 →
/// ×4 (×8 lower) and the ranking head alone went from NDCG@10 0.316 (×1) to 0.324 against popularity's 0.323;
/// choice following taste, it kept ×1 (×2 and ×½ both lower): 0.343 alone, 0.331 weighted, popularity 0.239.
/// With the service's defaults for the size (<see cref="DataSizeDefaults"/>: 5 ALS iterations from 1M on), choice
/// following popularity, holdout P@10 / NDCG@10 of the head alone against popularity: 1M ×2, 0.3026 / 0.3233 against
/// 0.3028 / 0.3231 (lists from the head alone); 10M (100k users, 20k items) ×2, 0.2386 / 0.2571 against 0.2386 /
/// 0.2571 (a tie, so popularity serves); 25M (160k users, 60k items) ×4 (validation NDCG@10 0.212 at ×1, 0.251 at ×4,
/// popularity 0.251), 0.2795 / 0.2995 against 0.2801 / 0.3000. Choice following taste, ×1 at 1M and 10M, weighted
/// lists 0.303 / 0.332 and 0.239 / 0.264 against popularity's 0.222 / 0.239 and 0.181 / 0.191. The search costs two
/// to four trainings of the head: 127 s of the 280 s recipe at 25M on this 2-core machine.
/// </remarks>
public sealed record RankingSearchOptions
{
    /// <summary>Share of the training ratings held out to judge the candidates (the newest, or per user).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Lists are judged for at most this many validation users (a seeded sample), to bound the cost.</summary>
    public int MaxUsers { get; init; } = 2_000;

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
        if (!(Factor > 1) || !float.IsFinite(Factor)) throw new ArgumentException($"RankingSearchOptions.Factor must be above 1 (was {Factor}).", nameof(Factor));
        if (MaxSteps < 1) throw new ArgumentException($"RankingSearchOptions.MaxSteps must be at least 1 (was {MaxSteps}).", nameof(MaxSteps));
    }
}
