using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Versions;

/// <summary>
/// The newcomer-list judging of one training (<c>metrics.newcomerList</c> of a model version): every popular list
/// judged on the holdout's newcomers (users whose first rating is in the holdout), the winner and the list served.
/// </summary>
/// <param name="Winner">The best list: of those within 2 % of the best P@10, the highest liked P@10, then P@10.</param>
/// <param name="Served">The list newcomers get from this version: the winner, or the list pinned by <c>Popularity:NewcomerList</c> at training time.</param>
/// <param name="Pinned">True when <paramref name="Served"/> was pinned.</param>
/// <param name="JudgedOn"><c>newcomers</c>; <c>users-with-history</c> when the holdout had no newcomer; <c>none</c> when nobody could be judged (the winner is then <c>most-rated</c>).</param>
/// <param name="Users">Users judged.</param>
/// <param name="Candidates">Every list's figures, in a fixed order.</param>
public sealed record NewcomerListMetrics(
    [property: AllowedValues(PopularityLists.MostRated, PopularityLists.DampedMean, PopularityLists.RecentMostRated, PopularityLists.LikedCount,
        PopularityLists.LikedBoosted, PopularityLists.LikedLowerBound, PopularityLists.Trending)] string Winner,
    [property: AllowedValues(PopularityLists.MostRated, PopularityLists.DampedMean, PopularityLists.RecentMostRated, PopularityLists.LikedCount,
        PopularityLists.LikedBoosted, PopularityLists.LikedLowerBound, PopularityLists.Trending)] string Served,
    bool Pinned,
    [property: AllowedValues("newcomers", "users-with-history", "none")] string JudgedOn,
    int Users,
    IReadOnlyList<NewcomerListCandidate> Candidates)
{
    public static NewcomerListMetrics From(NewcomerListReport report) => new(
        PopularityLists.Name(report.Winner), PopularityLists.Name(report.Served), report.Pinned,
        report.JudgedOn switch
        {
            JudgedUsers.Newcomers => "newcomers",
            JudgedUsers.UsersWithHistory => "users-with-history",
            _ => "none",
        },
        report.Users,
        report.Candidates.Select(c => new NewcomerListCandidate(PopularityLists.Name(c.List), c.Scores.Rated.Precision, c.Scores.Rated.Recall,
            c.Scores.Rated.Ndcg, c.Scores.Liked.Precision, c.Scores.Disliked)).ToArray());
}

/// <summary>One popular list judged on the newcomers: its top 10 against all their held-out ratings.</summary>
/// <param name="List">The list.</param>
/// <param name="PrecisionAt10">Every held-out item relevant.</param>
/// <param name="RecallAt10">Same, recall.</param>
/// <param name="NdcgAt10">Same, NDCG.</param>
/// <param name="LikedPrecisionAt10">Only held-out items rated at or above the liked threshold relevant.</param>
/// <param name="DislikedAt10">Share of the 10 listed items the newcomer rated at or below the disliked threshold.</param>
public sealed record NewcomerListCandidate(
    [property: AllowedValues(PopularityLists.MostRated, PopularityLists.DampedMean, PopularityLists.RecentMostRated, PopularityLists.LikedCount,
        PopularityLists.LikedBoosted, PopularityLists.LikedLowerBound, PopularityLists.Trending)] string List,
    double PrecisionAt10, double RecallAt10, double NdcgAt10, double LikedPrecisionAt10, double DislikedAt10);
