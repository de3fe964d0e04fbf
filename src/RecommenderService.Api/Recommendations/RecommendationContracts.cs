using System.ComponentModel.DataAnnotations;
using System.Text.Json;

using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes.Impressions;
using RecommenderService.Engine;

namespace RecommenderService.Api.Recommendations;

/// <summary>A user's list of recommended items, best first, and how it was made.</summary>
/// <param name="UserId">The user the list is for.</param>
/// <param name="Strategy">
/// How the list was made: <c>model</c> (the user is in the trained model and rated nothing since), <c>folded-in</c>
/// (the user is new to the model or rated something since it was trained: their taste was solved on the spot from
/// their current ratings, starting from their profile when they have one), <c>profile</c> (no ratings yet, but a
/// stored profile the model reads: their taste is their profile's), <c>onboarding</c> (no ratings yet, but onboarding
/// likes in their profile the model reads) or <c>popularity</c> (no ratings and no usable profile yet, or no model
/// trained yet: the popular items).
/// </param>
/// <param name="ModelVersion">The version of the model in use; null while no model has been trained.</param>
/// <param name="Items">Best first; fewer than asked for when fewer items are left.</param>
/// <param name="RecommendationId">
/// This list's id, new on every answer: cite it in events (<c>POST /api/v1/events</c>) and ratings about its items, so
/// their outcomes count for the model version, strategy and experiment arm that made it.
/// </param>
/// <param name="ExperimentArm">
/// <c>control</c> (the active version) or <c>treatment</c> (the experiment's version) while a model experiment runs; null otherwise.
/// </param>
[JsonExample("""
    {"userId": "196", "strategy": "model", "modelVersion": 7,
     "items": [{"itemId": "302", "score": 1.0421, "title": "L.A. Confidential (1997)", "predictedRating": 4.61}],
     "recommendationId": "0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70", "experimentArm": null}
    """)]
public sealed record RecommendationResponse(
    string UserId,
    [property: AllowedValues(RecommendationStrategy.Model, RecommendationStrategy.FoldedIn, RecommendationStrategy.Profile,
        RecommendationStrategy.Onboarding, RecommendationStrategy.Popularity)] string Strategy,
    int? ModelVersion,
    IReadOnlyList<RecommendedItem> Items,
    string RecommendationId = "",
    [property: AllowedValues(ExperimentArms.Control, ExperimentArms.Treatment)] string? ExperimentArm = null) : IListResponse
{
    /// <summary>What ordered the list (<see cref="ServingMetrics.Source"/>), for its impression.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Source { get; init; } = ServingMetrics.Source.Popularity;

    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public Impression? Impression { get; init; }

    /// <summary>Served from memory while the database was unreachable: a header says so, the body is as usual.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Degraded { get; init; }
}

/// <summary>One recommended item.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Score">
/// What the list is ordered by, best first. Personalised lists (<c>model</c>, <c>folded-in</c>): the ranking model's
/// preference score, a relative number comparable within one list only, not stars. Popularity lists: the item's
/// damped mean rating, in stars.
/// </param>
/// <param name="Title">The item's title from the catalogue; null when none was stored.</param>
/// <param name="PredictedRating">
/// The stars the user would give the item, on the rating scale; null in popularity lists.
/// </param>
/// <param name="Attributes">The item's attributes with <c>include=attributes</c> (null when it has none); null without it.</param>
/// <param name="Reasons">Why the item is listed, with <c>include=reasons</c>; null without it.</param>
/// <param name="Exploration">
/// True when the item holds one of the personalised list's exploration slots (a new item shown to gather ratings,
/// section <c>Exploration</c>); false otherwise, and always in popularity lists.
/// </param>
public sealed record RecommendedItem(string ItemId, double Score, string? Title, double? PredictedRating = null,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes = null,
    [property: SchemaAs(typeof(RecommendationReasons), Nullable = true)] RecommendationReasons? Reasons = null,
    bool Exploration = false);

/// <summary>The rating a user would give an item.</summary>
/// <param name="UserId">The user.</param>
/// <param name="ItemId">The item.</param>
/// <param name="PredictedRating">The stars the user would give the item, on the rating scale.</param>
/// <param name="Strategy">
/// How it was predicted: <c>model</c>, <c>folded-in</c>, <c>profile</c> or <c>onboarding</c> as for lists;
/// <c>popularity</c> for a user the model cannot personalise (the item's baseline rating).
/// </param>
/// <param name="ModelVersion">The version of the model in use; null while no model has been trained.</param>
public sealed record PredictionResponse(
    string UserId,
    string ItemId,
    double PredictedRating,
    [property: AllowedValues(RecommendationStrategy.Model, RecommendationStrategy.FoldedIn, RecommendationStrategy.Profile,
        RecommendationStrategy.Onboarding, RecommendationStrategy.Popularity)] string Strategy,
    int? ModelVersion);

/// <summary>The popular items: what a new visitor is shown (or, with <c>by=</c>, one named popular list).</summary>
/// <param name="Strategy">Always <c>popularity</c>.</param>
/// <param name="Items">Best first.</param>
/// <param name="List">
/// Which popular list this is: <c>most-rated</c>, <c>damped-mean</c>, <c>recent-most-rated</c>, <c>liked-count</c>,
/// <c>liked-boosted</c>, <c>liked-lower-bound</c> or <c>trending</c>; without <c>by=</c>, the one newcomers are served.
/// </param>
/// <param name="RecommendationId">This list's id, new on every answer (an answer revalidated with <c>If-None-Match</c> keeps the one it had): cite it in events and ratings.</param>
public sealed record PopularItemsResponse(
    [property: AllowedValues(RecommendationStrategy.Popularity)] string Strategy,
    IReadOnlyList<PopularItem> Items,
    [property: AllowedValues(PopularityLists.MostRated, PopularityLists.DampedMean, PopularityLists.RecentMostRated, PopularityLists.LikedCount,
        PopularityLists.LikedBoosted, PopularityLists.LikedLowerBound, PopularityLists.Trending)] string List,
    string RecommendationId = "") : IListResponse
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public Impression? Impression { get; init; }
}

/// <summary>A popular item.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Score">
/// What the list is ordered by (docs/api.md, "Popular items"): for <c>damped-mean</c> the damped mean rating
/// (C·μ + Σr) / (C + n), pulled towards the mean of all ratings μ until the item has many ratings; for the others a
/// count (ratings, recent ratings, liked ratings, ratings plus half the liked ones), the Wilson lower bound of the liked
/// share (0–1), or the age-decayed count.
/// </param>
/// <param name="RatingCount">How many ratings the item has (in the <c>Popularity:WindowDays</c> window when one is set and the item has ratings in it).</param>
/// <param name="MeanRating">The plain mean of those ratings.</param>
/// <param name="Title">The item's title from the catalogue; null when none was stored.</param>
/// <param name="Attributes">The item's attributes with <c>include=attributes</c> (null when it has none); null without it.</param>
public sealed record PopularItem(string ItemId, double Score, int RatingCount, double MeanRating, string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes = null);

/// <summary>The items most similar to one item.</summary>
/// <param name="ItemId">The item asked about.</param>
/// <param name="ModelVersion">The version of the model whose item factors were compared.</param>
/// <param name="Items">Most similar first.</param>
/// <param name="RecommendationId">This list's id, new on every answer (an answer revalidated with <c>If-None-Match</c> keeps the one it had): cite it in events and ratings.</param>
public sealed record SimilarItemsResponse(string ItemId, int ModelVersion, IReadOnlyList<SimilarItem> Items, string RecommendationId = "") : IListResponse
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public Impression? Impression { get; init; }
}

/// <summary>A similar item.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Similarity">Cosine similarity of the two items' factors, from -1 to 1 (1 = the same taste profile).</param>
/// <param name="Title">The item's title from the catalogue; null when none was stored.</param>
/// <param name="Attributes">The item's attributes with <c>include=attributes</c> (null when it has none); null without it.</param>
/// <param name="Reasons">What the two items have in common, with <c>include=reasons</c>; null without it.</param>
public sealed record SimilarItem(string ItemId, double Similarity, string? Title,
    [property: SchemaAs(typeof(Dictionary<string, JsonElement>), Nullable = true)] JsonElement? Attributes = null,
    [property: SchemaAs(typeof(SimilarityReasons), Nullable = true)] SimilarityReasons? Reasons = null);
