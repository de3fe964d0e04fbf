using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Ratings;

/// <summary>The rating scale (section <c>Ratings</c>): inputs outside it are refused, predictions are clamped to it.</summary>
public sealed class RatingScaleOptions : IValidatableObject
{
    public const string SectionName = "Ratings";

    public float Min { get; set; } = 1f;
    public float Max { get; set; } = 5f;

    public RatingScale Scale => new(Min, Max);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!float.IsFinite(Min) || !float.IsFinite(Max) || Min >= Max)
            yield return new ValidationResult($"Ratings:Min ({Min}) must be a finite number below Ratings:Max ({Max}).");
    }
}
