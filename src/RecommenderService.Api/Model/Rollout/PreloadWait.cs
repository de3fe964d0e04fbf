namespace RecommenderService.Api.Model.Rollout;

/// <summary>How a rollout's wait for preloads ended: the live replicas that had the version, and those that had not.</summary>
public sealed record PreloadWait(IReadOnlyList<string> Ready, IReadOnlyList<string> Missing, double Seconds)
{
    public bool Complete => Missing.Count == 0;
}
