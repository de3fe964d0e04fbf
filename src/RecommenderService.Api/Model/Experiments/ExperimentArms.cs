namespace RecommenderService.Api.Model.Experiments;

/// <summary>The arms of an experiment, as responses and impressions name them.</summary>
public static class ExperimentArms
{
    /// <summary>Served the active version.</summary>
    public const string Control = "control";

    /// <summary>Served the experiment's stored version.</summary>
    public const string Treatment = "treatment";

    public static readonly string[] All = [Control, Treatment];
}
