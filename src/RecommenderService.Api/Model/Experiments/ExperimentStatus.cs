namespace RecommenderService.Api.Model.Experiments;

/// <summary>Values of <c>experiments.status</c>.</summary>
public static class ExperimentStatus
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Promoted = "promoted";
    public const string Ended = "ended";
}
