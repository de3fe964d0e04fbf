using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model.Versions;

/// <summary>Result of <see cref="ModelVersionStore.ActivateAsync"/>.</summary>
public sealed record ActivationResult(bool Found, bool Activated, string? Problem)
{
    /// <summary>The running experiment the activation ended, if there was one.</summary>
    public EndedExperiment? EndedExperiment { get; init; }

    public static ActivationResult NotFound { get; } = new(false, false, null);
    public static ActivationResult Success { get; } = new(true, true, null);

    public static ActivationResult NotActivatable(string? status, bool hasBlob) => new(true, false,
        !hasBlob && status is not (ModelStatus.Training or ModelStatus.Failed)
            ? "Its stored model was deleted by the retention policy (Training:KeepVersions)."
            : $"It is '{status}': only a stored, trained version can be activated.");
}
