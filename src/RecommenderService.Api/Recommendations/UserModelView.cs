using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Recommendations.Feeds;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>How one model serves one user: which strategy, which vector, which items to leave out.</summary>
/// <param name="ModelVersion">The model this view was computed for.</param>
/// <param name="Strategy">One of <see cref="RecommendationStrategy"/>.</param>
/// <param name="Bias">b_u (from the model, or solved by fold-in).</param>
/// <param name="Vector">p_u solved by fold-in; null for popularity and for a user the model knows (see <paramref name="UserIndex"/>).</param>
/// <param name="RatedModelItems">The user's rated items as indices of the model, sorted.</param>
/// <param name="RankingVector">The user's folded-in vector in the ranking head, when the model has one.</param>
/// <param name="ColdStamp">The <see cref="ServingModel.ColdStamp"/> of the model computed for: indices of items served
/// from their attributes, and a fold-in over the user's ratings of them, hold for that set of such items only.</param>
/// <param name="UserIndex">
/// The user's row in the model when it serves its own vectors (-1 otherwise): read from the model at each use
/// rather than copied, because every copy is two long-lived arrays per user, and promoting ~10,000 new views a second
/// made the collector pause 20-50 ms at a time in the first seconds after a model load (docs/decisions/0008-first-list-per-user.md).
/// </param>
public sealed record UserModelView(int ModelVersion, string Strategy, float Bias, float[]? Vector, int[] RatedModelItems, float[]? RankingVector = null,
    long ColdStamp = 0, int UserIndex = -1)
{
    /// <summary>Whether the model scores this user personally (its own vector or a folded-in one).</summary>
    public bool HasVector => Vector is not null || UserIndex >= 0;

    /// <summary>p_u in <paramref name="model"/> (the model of <see cref="ModelVersion"/>); empty without a vector.</summary>
    public ReadOnlySpan<float> RatingVectorIn(FactorModel model) =>
        Vector ?? (UserIndex >= 0 ? model.UserVector(UserIndex) : ReadOnlySpan<float>.Empty);

    /// <summary>Whether the user has a vector in <paramref name="model"/>'s ranking head.</summary>
    public bool HasRankingVectorIn(FactorModel model) => RankingVector is not null || (UserIndex >= 0 && model.Ranking is not null);

    /// <summary>The user's vector in <paramref name="model"/>'s ranking head; empty without one.</summary>
    public ReadOnlySpan<float> RankingVectorIn(FactorModel model) =>
        RankingVector ?? (UserIndex >= 0 && model.Ranking is { } head ? head.UserVector(UserIndex) : ReadOnlySpan<float>.Empty);

    private RankedList? _lastList;
    private RankingReasons? _reasons;
    private ExplainedPage? _lastReasons;

    /// <summary>
    /// What explains this view's ranking scores (the k×k W^u and the exact solve, 16 KiB at k = 64), made on the first
    /// list with reasons (<see cref="UserModelViews.ReasonsFor"/>) and kept with the view's vector until either changes.
    /// </summary>
    public RankingReasons? Reasons
    {
        get => Volatile.Read(ref _reasons);
        set => Volatile.Write(ref _reasons, value);
    }

    /// <summary>The reasons of the last page explained from this view (see <see cref="LastList"/> for why here).</summary>
    public ExplainedPage? LastReasons
    {
        get => Volatile.Read(ref _lastReasons);
        set => Volatile.Write(ref _lastReasons, value);
    }

    /// <summary>
    /// The last list ranked from this view, kept on the view itself: a new view (ratings changed, model swapped)
    /// starts without one. Held here rather than in a ConditionalWeakTable keyed by the view, whose dependent
    /// handle per cached user made every garbage collection slower as the number of users served grew.
    /// </summary>
    public RankedList? LastList
    {
        get => Volatile.Read(ref _lastList);
        set => Volatile.Write(ref _lastList, value);
    }
}
