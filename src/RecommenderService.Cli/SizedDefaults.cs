using RecommenderService.Engine;

namespace RecommenderService.Cli;

/// <summary>
/// The options a command trains with: the service's defaults for the number of ratings it trains on
/// (<see cref="DataSizeDefaults"/>), then the command's flags. One rule for <c>recsys train</c> and every protocol of
/// <c>recsys evaluate</c>, so what they measure is the recipe the service trains.
/// </summary>
internal static class SizedDefaults
{
    /// <summary>The rating head's options for <paramref name="ratings"/> ratings.</summary>
    public static TrainingOptions Training(CommandArguments args, string command, long ratings) =>
        TrainingFlags.Apply(args, command, DataSizeDefaults.Training(ratings));

    /// <summary>The ranking head's options for <paramref name="ratings"/> ratings on <paramref name="scale"/>.</summary>
    public static RankingOptions Ranking(CommandArguments args, string command, RatingScale scale, long ratings) =>
        RankingFlags.Apply(args, command, scale, DataSizeDefaults.Ranking(ratings));
}
