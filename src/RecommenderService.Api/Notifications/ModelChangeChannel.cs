namespace RecommenderService.Api.Notifications;

/// <summary>
/// NOTIFY channel on which an activation announces the newly active version (payload: the version), so
/// every replica loads it within moments instead of waiting for its poll.
/// </summary>
public static class ModelChangeChannel
{
    public const string Name = "model_changes";

    /// <summary>Announces a trained version that passed the gate and is about to be activated (payload: the
    /// version), so every replica can load it before the switch.</summary>
    public const string Stored = "model_stored";
}
