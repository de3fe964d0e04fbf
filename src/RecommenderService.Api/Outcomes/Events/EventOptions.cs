using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace RecommenderService.Api.Outcomes.Events;

/// <summary>Which outcome events the events route accepts (section <c>Events</c>).</summary>
public sealed partial class EventOptions : IValidatableObject
{
    public const string SectionName = "Events";

    /// <summary>
    /// The event types clients may post, e.g. view, click, cart, purchase: lower-case names of 1-32 letters, digits,
    /// <c>_</c> or <c>-</c>. <c>rating</c> is reserved (ratings go through the ratings routes). Click-through counts
    /// <c>click</c>; each type gets its own conversion rate.
    /// </summary>
    /// <remarks>No default in the property: the configuration binder appends to an array it finds filled.</remarks>
    public string[]? Types { get; set; }

    /// <summary>The types accepted: <see cref="Types"/>, or view, click, cart and purchase when none are configured.</summary>
    public IReadOnlyList<string> Accepted => Types is { Length: > 0 } ? Types : Default;

    private static readonly string[] Default = ["view", EventTypes.Click, "cart", "purchase"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Accepted.Count > 16)
            yield return new ValidationResult($"Events:Types must name at most 16 event types (has {Accepted.Count}).", [nameof(Types)]);
        foreach (var type in Accepted)
        {
            if (type is null || !TypeName().IsMatch(type))
                yield return new ValidationResult($"Events:Types: '{type}' is not a type name (lower-case letters, digits, _ or -, at most 32).", [nameof(Types)]);
            else if (type == EventTypes.Rating)
                yield return new ValidationResult("Events:Types: 'rating' is reserved for ratings that cite a list.", [nameof(Types)]);
        }
        if (Accepted.Distinct(StringComparer.Ordinal).Count() != Accepted.Count)
            yield return new ValidationResult("Events:Types names a type twice.", [nameof(Types)]);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,32}$")]
    private static partial Regex TypeName();
}
