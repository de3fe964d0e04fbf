namespace RecommenderService.Engine;

/// <summary>Which popularity list serves newcomers, and how every candidate did (<see cref="NewcomerJudging"/>).</summary>
/// <param name="Winner">The best candidate (<see cref="NewcomerJudging.Best"/>): of those within 2 % of the best P@10, the
/// highest liked P@10, then P@10, then the earlier in <see cref="PopularityLists.All"/>.</param>
/// <param name="Served">The list newcomers get: <paramref name="Winner"/>, or the one an operator pinned.</param>
/// <param name="Pinned">True when an operator pinned <paramref name="Served"/>.</param>
/// <param name="JudgedOn">Whom the candidates were judged on.</param>
/// <param name="Users">Users judged (with a held-out rating; liked figures count those with a liked one).</param>
/// <param name="Candidates">Every candidate's lists judged both ways, in the order of <see cref="PopularityLists.All"/>.</param>
public sealed record NewcomerListReport(PopularityList Winner, PopularityList Served, bool Pinned, JudgedUsers JudgedOn, int Users,
    IReadOnlyList<PopularityListScores> Candidates)
{
    /// <summary>The figures of <paramref name="list"/>, if it was judged.</summary>
    public ListMetrics? Of(PopularityList list)
    {
        foreach (var candidate in Candidates)
            if (candidate.List == list) return candidate.Scores;
        return null;
    }
}
