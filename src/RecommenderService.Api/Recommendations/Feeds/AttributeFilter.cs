namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// One <c>filter=key:value</c>: an item matches when <c>attributes[key]</c> equals the value (strings,
/// numbers and booleans compared as their text) or, for an array, contains it. Case-sensitive.
/// </summary>
public sealed record AttributeFilter(string Key, string Value)
{
    public override string ToString() => $"{Key}:{Value}";
}
