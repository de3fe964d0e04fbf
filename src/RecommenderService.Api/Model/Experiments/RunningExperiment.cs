using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>The experiment this replica serves: its id, arms and share, with the treatment version loaded.</summary>
/// <param name="Id">The experiment.</param>
/// <param name="ControlVersion">The version that was active when it started (everyone else is served the active one).</param>
/// <param name="Treatment">The treatment version, loaded and ready to serve.</param>
/// <param name="Share">The share of users served the treatment.</param>
public sealed record RunningExperiment(long Id, int ControlVersion, ServingModel Treatment, double Share);
