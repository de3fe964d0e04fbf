using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Loading;

/// <summary>The active model with what the serving path needs to know about it.</summary>
/// <param name="Version">Row of <c>model_versions</c> it came from.</param>
/// <param name="Model">The trained factors.</param>
/// <param name="DataCutoff">Ratings written at or after this instant are not in the model: their users are folded in.</param>
/// <param name="TrainedAt">When training finished.</param>
/// <param name="ListSource">Where its lists come from: the source that won on its holdout.</param>
public sealed record ServingModel(int Version, FactorModel Model, DateTimeOffset DataCutoff, DateTimeOffset TrainedAt, ListSource ListSource)
{
    /// <summary>Whether lists are ordered by the ranking head (it won and the model has one).</summary>
    public bool ListsFromRankingHead => (ListSource is ListSource.RankingHead or ListSource.RankingHeadOnly) && Model.Ranking is not null;

    /// <summary>The score lists from the ranking head are ordered by (weighted by the rating head unless the source says otherwise).</summary>
    public ListScore ListScore => ListScore.For(ListSource);

    /// <summary>
    /// 0 for the model as trained; for the same version with the catalogue's untrained items appended from their
    /// attributes (<see cref="ServingModelSource"/>), a number that changes whenever that set changes, so views
    /// computed against one set are not reused with another.
    /// </summary>
    public long ColdStamp { get; init; }

    /// <summary>
    /// The popular list its training judged best for newcomers (or the one pinned then); null for versions trained before
    /// lists were judged.
    /// </summary>
    public PopularityList? NewcomerList { get; init; }
}
