namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// The closed sets the online gauges take their <c>strategy</c> and <c>source</c> labels from, filled by the lists'
/// feature, which names them; a segment outside them (rows written by another release) is left out of the gauges.
/// </summary>
public sealed class OnlineLabelSets
{
    public IReadOnlyCollection<string> Strategies { get; set; } = [];
    public IReadOnlyCollection<string> Sources { get; set; } = [];
}
