namespace RecommenderService.Api.Training;

/// <summary>
/// NOTIFY channel on which an activation announces the newly active version (payload: the version), so
/// every replica loads it within moments instead of waiting for its poll.
/// </summary>
public static class ModelChangeChannel
{
    public const string Name = "model_changes";
}
