using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Outcomes.Events;

/// <summary>Outcome events (docs/api.md, "Events").</summary>
public static class EventEndpoints
{
    /// <summary>Room for 1,000 events of a few hundred bytes each.</summary>
    public const long MaxBatchBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events")
            .WithTags("Events")
            .RequireAuthorization(JwtDefaults.EndUserPolicy);

        group.MapPost("", PostEvents)
            .WithName("PostEvents")
            .WithSummary("Store up to 1,000 outcome events (views, clicks, purchases ...) at once, all or nothing")
            .WithDescription("""
                Each event is `{userId, itemId, type, timestamp?, recommendationId?, value?}`: `type` one of the configured
                types (`Events:Types`, by default `view`, `click`, `cart`, `purchase`), `recommendationId` the id of the list
                the user acted from (it makes the event count for that list's model version, strategy and experiment arm),
                `value` any number that comes with it (a price, a quantity). One invalid event rejects the whole batch: the
                400 names every wrong field with its event (`events[3].type`) and nothing is stored. A user token may only
                post its own events.
                """)
            .Accepts<EventBatchRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBatchBytes));

        return app;
    }

    /// <summary>What the events handler uses.</summary>
    public sealed record EventServices(EventWriter Writer, IOptions<EventOptions> Options, IAuthorizationService Authorization, TimeProvider Clock);

    // The body is read as one JsonDocument and its rows walked in place, as for rating batches, so each wrong field is
    // named. (A comment, not an XML doc: those would become the route's summary in the OpenAPI document.)
    private static async Task<Results<Ok<EventBatchResponse>, ValidationProblem, ProblemHttpResult>> PostEvents(
        HttpContext context, [AsParameters] EventServices services, CancellationToken cancellationToken)
    {
        using var document = await BoundedJsonBody.ReadAsync<JsonDocument>(context, MaxBatchBytes);
        var errors = new ValidationErrors();
        var events = EventBatchReader.Read(document.RootElement, services.Options.Value.Accepted, services.Clock.GetUtcNow().UtcDateTime, errors);
        if (!errors.IsEmpty) return errors.ToProblem($"{errors.Count} field(s) of the batch are not valid; nothing was stored.", 10);

        // A user token may only write its own events: decided by the same rule as ratings.
        var owners = events.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal);
        if (!(await services.Authorization.AuthorizeAsync(context.User, new OwnedUsers(owners), JwtDefaults.EndUserPolicy)).Succeeded)
            return TypedResults.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden,
                detail: "A user token may only post its own events: every event's userId must be the token's user. Nothing was stored.");
        return TypedResults.Ok(new EventBatchResponse(await services.Writer.StoreAsync(events, cancellationToken)));
    }
}
