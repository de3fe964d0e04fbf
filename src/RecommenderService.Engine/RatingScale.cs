namespace RecommenderService.Engine;

/// <summary>The closed interval ratings live in; predictions are clamped to it.</summary>
public readonly record struct RatingScale(float Min, float Max)
{
    /// <summary>MovieLens' and the service's default 1-5 scale.</summary>
    public static RatingScale OneToFive => new(1f, 5f);

    public float Clamp(float value) => Math.Clamp(value, Min, Max);

    public bool Contains(double value) => double.IsFinite(value) && value >= Min && value <= Max;
}
