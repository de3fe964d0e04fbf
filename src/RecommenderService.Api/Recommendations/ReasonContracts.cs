using System.ComponentModel.DataAnnotations;
using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Recommendations;

/// <summary>
/// Why an item is in a list (<c>include=reasons</c>). <c>kind</c> says which form it takes; <c>text</c> always says it in
/// words, so a client can show it as is.
/// </summary>
/// <param name="Kind">
/// Which form the reason takes. <c>rated</c>: items the user rated make up the item's ranking score (<c>ratedItems</c>, at most 3, largest share
/// first), with the attributes they told when their ratings were folded in from a profile. <c>popular</c>: the list is the
/// popular list. <c>profile</c>, <c>onboarding</c>: attributes the user told (<c>attributes</c>), from their profile, or
/// from their onboarding likes and profile. <c>new</c>: an exploration slot for an item the model knows little about.
/// <c>none</c>: no reason exists, and <c>text</c> says why.</param>
/// <param name="Text">The reason in words, e.g. "Because you rated Alien and Blade Runner", "Because you like Sci-Fi".</param>
/// <param name="RatedItems">With <c>rated</c>: the user's rated items with the largest shares, largest first; null otherwise.</param>
/// <param name="Attributes">
/// With <c>profile</c> and <c>onboarding</c> (and <c>rated</c> for a user folded in from a profile): the attributes the user
/// told with the largest shares, at most 3, largest first; null when the user told none the model reads.
/// </param>
/// <param name="UnexplainedShare">
/// With <c>rated</c>, <c>profile</c> and <c>onboarding</c>: the share of the score that nothing the user rated or told
/// makes. For a user with a profile, the part every profile gets (the model's mean user); otherwise 0 to 4 places (a model
/// trained before its stored user vectors were exact solves leaves a small remainder for <c>model</c> users). Every
/// rated item's and told attribute's share plus this add up to 1; null with other kinds.
/// </param>
[JsonExample("""
    {"kind": "rated", "text": "Because you rated Alien (1979) and Blade Runner (1982)",
     "ratedItems": [{"itemId": "183", "title": "Alien (1979)", "share": 0.41}, {"itemId": "89", "title": "Blade Runner (1982)", "share": 0.22}],
     "attributes": null, "unexplainedShare": 0.0}
    """)]
public sealed record RecommendationReasons(
    [property: AllowedValues(ReasonKind.Rated, ReasonKind.Popular, ReasonKind.Profile, ReasonKind.Onboarding, ReasonKind.New, ReasonKind.None)] string Kind,
    string Text,
    IReadOnlyList<RatedItemShare>? RatedItems = null,
    IReadOnlyList<AttributeShare>? Attributes = null,
    double? UnexplainedShare = null);

/// <summary>One of the user's rated items and its part in a listed item's ranking score.</summary>
/// <param name="ItemId">The rated item.</param>
/// <param name="Title">Its title from the catalogue; null when none was stored.</param>
/// <param name="Share">
/// Its contribution ÷ the item's ranking score (exact: the ranking model's score is a sum over the user's rated
/// items). Positive; above 1 when other rated items pull the score down.
/// </param>
public sealed record RatedItemShare(string ItemId, string? Title, double Share);

/// <summary>An attribute the user told (a profile attribute, or an onboarding like) and its part in a listed item's ranking score.</summary>
/// <param name="Key">The attribute's key: of the user's profile <c>attributes</c>, or of the items' attributes for a like.</param>
/// <param name="Value">One value (an array's element, a number's band, or the value as text).</param>
/// <param name="Source"><c>profile</c>: from the user's profile attributes; <c>likes</c>: from their onboarding likes.</param>
/// <param name="Share">Its contribution ÷ the item's ranking score (exact: the user's vector is a sum of one vector per attribute told).</param>
public sealed record AttributeShare(string Key, string Value,
    [property: AllowedValues(AttributeShare.FromProfile, AttributeShare.FromLikes)] string Source, double Share)
{
    public const string FromProfile = "profile";
    public const string FromLikes = "likes";
}

/// <summary>An attribute a reason rests on: a key of the items' <c>attributes</c> and one value (an array's element, or the value as text).</summary>
public sealed record ReasonAttribute(string Key, string Value);

/// <summary>Why an item is similar to another (<c>include=reasons</c> on similar items).</summary>
/// <param name="SharedAttributes">Attributes both items have with the same value (for arrays: each value both contain).</param>
/// <param name="RatedByBoth">How many users rated both items.</param>
public sealed record SimilarityReasons(IReadOnlyList<ReasonAttribute> SharedAttributes, int RatedByBoth);
