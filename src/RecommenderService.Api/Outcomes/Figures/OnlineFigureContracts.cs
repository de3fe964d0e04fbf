using RecommenderService.Engine;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>A share of lists with an outcome, with its 95 % interval (Wilson).</summary>
/// <param name="Count">Lists with the outcome.</param>
/// <param name="Rate">Count / lists shown; 0 when none were shown.</param>
/// <param name="Low">Lower end of the 95 % interval.</param>
/// <param name="High">Upper end of the 95 % interval.</param>
public sealed record OnlineRate(long Count, double Rate, double Low, double High)
{
    public static OnlineRate Of(long count, long lists)
    {
        var interval = ProportionInterval.Wilson(count, lists);
        return new OnlineRate(count, Math.Round(interval.Rate, 6), Math.Round(interval.Low, 6), Math.Round(interval.High, 6));
    }

    /// <summary>The engine's interval, for differences between arms.</summary>
    public static ProportionInterval Interval(long count, long lists) => ProportionInterval.Wilson(count, lists);
}

/// <summary>The outcomes of the lists one strategy and source made.</summary>
/// <param name="Strategy">How the lists were made (<c>model</c>, <c>folded-in</c>, <c>profile</c>, <c>onboarding</c>, <c>popularity</c>, <c>similar</c>).</param>
/// <param name="Source">What ordered them (<c>ranking_head</c>, <c>rating_head</c>, <c>popularity</c>, <c>item_factors</c>).</param>
/// <param name="Impressions">Lists shown.</param>
/// <param name="ClickThrough">Lists with a click.</param>
/// <param name="LikedRating">Lists with a liked rating.</param>
/// <param name="Conversions">Lists with each event type.</param>
public sealed record OnlineSegment(string Strategy, string Source, long Impressions, OnlineRate ClickThrough, OnlineRate LikedRating,
    IReadOnlyDictionary<string, OnlineRate> Conversions);

/// <summary>
/// A model version's online figures: the lists it served in the window and their outcomes (events and ratings that cite
/// them by <c>recommendationId</c>), in all and per strategy and source.
/// </summary>
/// <param name="WindowHours">The window: lists served in the last N hours (<c>Outcomes:WindowHours</c>).</param>
/// <param name="Impressions">Lists shown.</param>
/// <param name="ClickThrough">Lists with at least one <c>click</c> event on a listed item that cites the list.</param>
/// <param name="LikedRating">
/// Lists with at least one listed item later rated at or above the liked threshold (<c>Training:LikedThreshold</c>, 4 on
/// 1-5) by a rating that cites the list.
/// </param>
/// <param name="Conversions">For each configured event type (<c>Events:Types</c>): lists with at least one such event on a listed item that cites the list.</param>
/// <param name="Segments">The same per strategy and source, most lists first.</param>
public sealed record OnlineFigures(int WindowHours, long Impressions, OnlineRate ClickThrough, OnlineRate LikedRating,
    IReadOnlyDictionary<string, OnlineRate> Conversions, IReadOnlyList<OnlineSegment> Segments);
