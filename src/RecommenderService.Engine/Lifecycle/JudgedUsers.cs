namespace RecommenderService.Engine;

/// <summary>Whom <see cref="NewcomerJudging"/> judged the popularity lists on.</summary>
public enum JudgedUsers
{
    /// <summary>Held-out users with no earlier rating: the users the newcomer list is for.</summary>
    Newcomers,

    /// <summary>No newcomer was held out, so held-out users with history, their earlier items left out of their lists.</summary>
    UsersWithHistory,

    /// <summary>Nobody could be judged; the most-rated list wins by default.</summary>
    None,
}
