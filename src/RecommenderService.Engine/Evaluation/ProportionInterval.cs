namespace RecommenderService.Engine;

/// <summary>
/// A share of successes out of trials with its 95 % interval: the Wilson score interval (Wilson 1927), which stays inside
/// [0, 1] and keeps its coverage for small counts and rates near 0 or 1, where the normal approximation does not.
/// </summary>
/// <param name="Successes">Trials that succeeded (e.g. lists with at least one click).</param>
/// <param name="Trials">Trials (e.g. lists shown).</param>
/// <param name="Rate">Successes / Trials; 0 when there were no trials.</param>
/// <param name="Low">Lower end of the interval; 0 when there were no trials.</param>
/// <param name="High">Upper end of the interval; 1 when there were no trials.</param>
public readonly record struct ProportionInterval(long Successes, long Trials, double Rate, double Low, double High)
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The Wilson interval: centre (p̂ + z²/2n) / (1 + z²/n), half-width z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
    /// </summary>
    public static ProportionInterval Wilson(long successes, long trials, double z = Z95)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"need 0 <= successes ({successes}) <= trials ({trials})");
        if (trials == 0) return new ProportionInterval(0, 0, 0, 0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        // The exact ends at 0 and 1 successes' edges, where rounding could leave them a hair outside.
        return new ProportionInterval(successes, trials, p,
            successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half));
    }
}

/// <summary>
/// The difference of two independent shares, treatment minus control, with its 95 % interval by Newcombe's hybrid
/// score method (Newcombe 1998, method 10): from the two Wilson intervals (l₁, u₁) and (l₂, u₂),
/// low = d − √((p₁−l₁)² + (u₂−p₂)²), high = d + √((u₁−p₁)² + (p₂−l₂)²). It keeps its coverage where the Wald
/// interval of a difference is too narrow (small arms, rates near 0 or 1).
/// </summary>
/// <param name="Difference">Treatment's rate minus control's.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public readonly record struct DifferenceInterval(double Difference, double Low, double High)
{
    /// <summary>The difference <paramref name="treatment"/> − <paramref name="control"/> and its interval.</summary>
    public static DifferenceInterval Newcombe(ProportionInterval treatment, ProportionInterval control)
    {
        var d = treatment.Rate - control.Rate;
        var low = d - Math.Sqrt(Square(treatment.Rate - treatment.Low) + Square(control.High - control.Rate));
        var high = d + Math.Sqrt(Square(treatment.High - treatment.Rate) + Square(control.Rate - control.Low));
        return new DifferenceInterval(d, Math.Max(-1, low), Math.Min(1, high));
    }

    /// <summary>Whether the interval leaves out 0: the data say which side is better.</summary>
    public bool ExcludesZero => Low > 0 || High < 0;

    private static double Square(double x) => x * x;
}
