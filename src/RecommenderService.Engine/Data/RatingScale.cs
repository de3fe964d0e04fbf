namespace RecommenderService.Engine;

/// <summary>The closed interval ratings live in; predictions are clamped to it.</summary>
public readonly record struct RatingScale(float Min, float Max)
{
    /// <summary>MovieLens' and the service's default 1-5 scale.</summary>
    public static RatingScale OneToFive => new(1f, 5f);

    public float Clamp(float value) => Math.Clamp(value, Min, Max);

    public bool Contains(double value) => double.IsFinite(value) && value >= Min && value <= Max;

    /// <summary>
    /// The point of this scale at the same relative position as <paramref name="value"/> on 1–5 (4 on 1–5 is 7.75 on
    /// 1–10 and 0.75 on 0–1), so thresholds stated on the familiar scale carry over.
    /// </summary>
    public float FromOneToFive(float value) => Min + (value - 1f) / 4f * (Max - Min);
}
