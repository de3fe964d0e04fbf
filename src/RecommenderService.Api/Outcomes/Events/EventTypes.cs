namespace RecommenderService.Api.Outcomes.Events;

/// <summary>Event types the service itself writes, beside the configured ones (<see cref="EventOptions.Types"/>).</summary>
public static class EventTypes
{
    /// <summary>A rating that cited a list's <c>recommendationId</c>; its value is the stars. Not accepted on the events route.</summary>
    public const string Rating = "rating";

    /// <summary>The type click-through counts.</summary>
    public const string Click = "click";
}
