using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>The model one request is served from, and the experiment arm that chose it (none outside experiments).</summary>
/// <param name="Serving">The model; null while none is active.</param>
/// <param name="ExperimentId">The running experiment, when the user is in it.</param>
/// <param name="Arm">One of <see cref="ExperimentArms"/>, or null.</param>
public readonly record struct ServedArm(ServingModel? Serving, long? ExperimentId, string? Arm);
