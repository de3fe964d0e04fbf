using RecommenderService.Engine;

namespace RecommenderService.Api.Ratings;

/// <summary>The contract's rule for a rating: a finite number inside the configured scale.</summary>
public static class RatingValue
{
    public static string? Problem(double? value, RatingScale scale)
    {
        if (value is null) return "A rating is required.";
        if (!double.IsFinite(value.Value)) return "A rating must be a finite number.";
        if (value < scale.Min || value > scale.Max)
            return FormattableString.Invariant($"A rating must be between {scale.Min} and {scale.Max}; got {value}.");
        return null;
    }
}
