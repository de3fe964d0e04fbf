namespace RecommenderService.Api.Dashboard.Outcomes;

/// <summary>One online figure: a rate of some outcome among the lists one version served one experiment arm.</summary>
/// <param name="ModelVersion">The model version that made the lists; null for lists made without a model (popularity).</param>
/// <param name="Arm">The experiment arm (e.g. <c>control</c>, <c>treatment</c>); <c>all</c> outside an experiment.</param>
/// <param name="Metric">What is counted, e.g. <c>click-through</c> or <c>rated-after-shown</c>.</param>
/// <param name="Exposures">How many lists (or list items) were shown: the rate's denominator.</param>
/// <param name="Events">How many of them led to the outcome: the rate's numerator.</param>
/// <param name="Rate">Events ÷ exposures.</param>
/// <param name="Low">The lower end of the rate's interval (e.g. 95 % Wilson).</param>
/// <param name="High">The upper end of that interval.</param>
public sealed record OutcomeFigure(int? ModelVersion, string Arm, string Metric, long Exposures, long Events, double Rate, double Low, double High);
