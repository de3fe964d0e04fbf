using System.ComponentModel.DataAnnotations;
using System.Text.Json;

using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Outcomes.Events;

/// <summary>Up to 1,000 outcome events, stored all or nothing.</summary>
/// <param name="Events">The events, 1 to 1,000.</param>
[JsonExample("""
    {"events": [{"userId": "196", "itemId": "302", "type": "click", "recommendationId": "0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70"},
                {"userId": "196", "itemId": "302", "type": "purchase", "timestamp": "2024-01-01T12:03:00Z", "value": 12.5,
                 "recommendationId": "0190a6e2-5d3b-7c4e-9f1a-2b3c4d5e6f70"}]}
    """)]
public sealed record EventBatchRequest(
    [property: SchemaAs(typeof(List<EventRow>), Required = true), MinLength(1), MaxLength(EventBatchReader.MaxEvents)] List<EventRow?>? Events);

/// <summary>One outcome event: something a user did with an item.</summary>
/// <param name="UserId">The user: your own id, 1-128 characters without whitespace.</param>
/// <param name="ItemId">The item: your own id, 1-128 characters without whitespace.</param>
/// <param name="Type">One of the configured types (<c>Events:Types</c>; by default view, click, cart, purchase).</param>
/// <param name="Timestamp">When it happened (ISO-8601, at most a day ahead); the time of the request when left out.</param>
/// <param name="RecommendationId">The <c>recommendationId</c> of the list the user acted from, if they did; it makes the event count for that list.</param>
/// <param name="Value">A number that comes with the event, e.g. a price or a quantity; any finite number.</param>
public sealed record EventRow(
    [property: SchemaAs(typeof(string), Required = true), StringLength(ExternalIdLimits.MaxLength, MinimumLength = 1)] JsonElement? UserId,
    [property: SchemaAs(typeof(string), Required = true), StringLength(ExternalIdLimits.MaxLength, MinimumLength = 1)] JsonElement? ItemId,
    [property: SchemaAs(typeof(string), Required = true)] JsonElement? Type,
    [property: SchemaAs(typeof(DateTimeOffset))] JsonElement? Timestamp,
    [property: SchemaAs(typeof(Guid))] JsonElement? RecommendationId,
    [property: SchemaAs(typeof(double))] JsonElement? Value);

/// <summary>What an event batch stored.</summary>
/// <param name="Stored">Events stored: all of the batch.</param>
public sealed record EventBatchResponse(int Stored);
