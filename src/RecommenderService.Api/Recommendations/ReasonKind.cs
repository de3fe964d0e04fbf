namespace RecommenderService.Api.Recommendations;

/// <summary>The forms a listed item's reason takes (<c>include=reasons</c>, API.md "Reasons").</summary>
public static class ReasonKind
{
    /// <summary>The user's own rated items make up the item's ranking score; up to 3 with their shares.</summary>
    public const string Rated = "rated";

    /// <summary>The list is the popular list.</summary>
    public const string Popular = "popular";

    /// <summary>Attributes the user likes, from their profile.</summary>
    public const string Profile = "profile";

    /// <summary>Attributes the user chose when they started (onboarding).</summary>
    public const string Onboarding = "onboarding";

    /// <summary>An exploration slot: an item the model knows little about, shown to learn about it.</summary>
    public const string New = "new";

    /// <summary>No reason exists; the text says why.</summary>
    public const string None = "none";
}
