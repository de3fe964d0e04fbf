using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Training;

/// <summary>What the quality gate decided: accepted (with where lists come from) or rejected (with why).</summary>
public sealed record GateDecision(string? Rejection, ListSource ListSource)
{
    public bool Accepted => Rejection is null;
}
