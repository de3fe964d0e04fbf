namespace RecommenderService.Api.Items.Availability;

/// <summary>
/// When an item may be listed: its <paramref name="Available"/> flag, and optionally a window
/// [<paramref name="From"/>, <paramref name="Until"/>). Evaluated against the clock at read time, so a scheduled
/// change takes effect without any write.
/// </summary>
public readonly record struct AvailabilityRule(bool Available, DateTimeOffset? From, DateTimeOffset? Until)
{
    /// <summary>What an item without a rule is: available, always.</summary>
    public static AvailabilityRule Always { get; } = new(true, null, null);

    /// <summary>Whether the rule says nothing beyond "always available" (such items are not kept in memory).</summary>
    public bool IsAlways => Available && From is null && Until is null;

    public bool IsAvailableAt(DateTimeOffset now) =>
        Available && (From is null || now >= From.Value) && (Until is null || now < Until.Value);

    /// <summary>The first instant after <paramref name="now"/> at which <see cref="IsAvailableAt"/> may change; null when never.</summary>
    public DateTimeOffset? NextChangeAfter(DateTimeOffset now)
    {
        if (!Available) return null;
        DateTimeOffset? next = null;
        if (From is { } from && from > now) next = from;
        if (Until is { } until && until > now && (next is null || until < next)) next = until;
        return next;
    }
}
