using Microsoft.Extensions.Options;
using RecommenderService.Api.Ratings;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Checks the <c>Training</c> settings that depend on another section: the liked and disliked thresholds lie on the
/// service's rating scale (<c>Ratings:Min</c>..<c>Ratings:Max</c>), disliked below liked, so a typo fails at start-up
/// rather than recording figures judged by an impossible rating.
/// </summary>
public sealed class TrainingSettingsValidator(IOptions<RatingScaleOptions> ratings) : IValidateOptions<TrainingSettings>
{
    public ValidateOptionsResult Validate(string? name, TrainingSettings settings)
    {
        var scale = ratings.Value;
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("LikedThreshold", settings.LikedThreshold), ("DislikedThreshold", settings.DislikedThreshold) })
            if (value is { } v && !(double.IsFinite(v) && v >= scale.Min && v <= scale.Max))
                failures.Add($"Training:{key} ({v}) must be a rating on the service's scale, {scale.Min} to {scale.Max}.");
        var liked = ConfiguredLikedThreshold.Of(settings, scale);
        var disliked = settings.DislikedThreshold ?? scale.Scale.FromOneToFive(2f);
        if (failures.Count == 0 && disliked >= liked)
            failures.Add($"Training:DislikedThreshold ({disliked}) must be below Training:LikedThreshold ({liked}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
