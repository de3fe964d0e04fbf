using Microsoft.Extensions.Options;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Ratings;

namespace RecommenderService.Api.Model.Training;

/// <summary><c>Training:LikedThreshold</c>, or 4 on a 1–5 scale mapped onto the service's rating scale.</summary>
public sealed class ConfiguredLikedThreshold(IOptions<TrainingSettings> training, IOptions<RatingScaleOptions> scale) : ILikedThreshold
{
    public double Value => Of(training.Value, scale.Value);

    public static double Of(TrainingSettings training, RatingScaleOptions scale) => training.LikedThreshold ?? scale.Scale.FromOneToFive(4f);
}
