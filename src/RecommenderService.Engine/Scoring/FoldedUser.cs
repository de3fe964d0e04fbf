namespace RecommenderService.Engine;

/// <summary>
/// A user solved against a fixed model by <see cref="FoldIn"/>: predict with
/// <c>model.GlobalMean + Bias + b_i + Factors·q_i</c>, rank with <see cref="TopKScan.ForUser(FactorModel, ReadOnlySpan{float}, float, int, ReadOnlySpan{int})"/>.
/// </summary>
public sealed record FoldedUser(float Bias, float[] Factors);
