namespace RecommenderService.Engine;

/// <summary>Shape of a <see cref="SyntheticRatings"/> data set.</summary>
public sealed record SyntheticRatingsOptions
{
    public int Users { get; init; } = 1000;
    public int Items { get; init; } = 500;
    public long Ratings { get; init; } = 20_000;
    public int Seed { get; init; } = 42;

    /// <summary>Rank of the planted preference structure.</summary>
    public int LatentDimension { get; init; } = 8;

    /// <summary>Standard deviation of the Gaussian noise added before rounding.</summary>
    public double Noise { get; init; } = 0.5;

    /// <summary>Exponent s of item popularity weights 1/(rank + 10)^s.</summary>
    public double ZipfExponent { get; init; } = 0.9;

    /// <summary>
    /// How much taste steers which items a user rates: a popularity draw is kept with probability
    /// σ(a·p_u·q_i). 0 = choices follow popularity alone (then no personalised list can beat popularity).
    /// </summary>
    public double ChoiceAffinity { get; init; } = 8;

    public void Validate()
    {
        if (Users < 1) throw new ArgumentException("Users must be at least 1.");
        if (Items < 2) throw new ArgumentException("Items must be at least 2.");
        if (Ratings < 1) throw new ArgumentException("Ratings must be at least 1.");
        if (Ratings > Array.MaxLength) throw new ArgumentException($"Ratings must be at most {Array.MaxLength}.");
        if (Ratings > (long)Users * MaxPerUser)
            throw new ArgumentException(
                $"{Ratings} ratings do not fit {Users} users x {Items} items (at most {MaxPerUser} per user, half the items).");
        if (LatentDimension < 1) throw new ArgumentException("LatentDimension must be at least 1.");
        if (!(Noise >= 0)) throw new ArgumentException("Noise must be non-negative.");
        if (!(ZipfExponent >= 0)) throw new ArgumentException("ZipfExponent must be non-negative.");
        if (!(ChoiceAffinity >= 0)) throw new ArgumentException("ChoiceAffinity must be non-negative.");
    }

    /// <summary>A user rates at most half the items, so sampling distinct items stays cheap.</summary>
    internal int MaxPerUser => Math.Max(1, Items / 2);
}
