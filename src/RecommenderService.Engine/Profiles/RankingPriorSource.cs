namespace RecommenderService.Engine;

/// <summary>Where a <see cref="RankingPriorPart"/> came from.</summary>
public enum RankingPriorSource
{
    /// <summary>A token of the user's profile, through the user attribute map.</summary>
    Profile = 0,

    /// <summary>An onboarding like, through the item attribute map.</summary>
    Like = 1,
}
