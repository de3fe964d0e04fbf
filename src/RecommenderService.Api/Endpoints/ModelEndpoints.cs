using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RecommenderService.Api.Contracts;
using RecommenderService.Api.Persistence;
using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Security;

namespace RecommenderService.Api.Endpoints;

/// <summary>Model lifecycle routes of API.md, "Model lifecycle".</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/model")
            .WithTags("Model")
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapGet("", GetActiveModel)
            .WithName("GetActiveModel")
            .WithSummary("The active model: version, hyperparameters, counts and holdout metrics")
            .WithDescription("404 while no model is active; recommendations then come from popularity.");

        group.MapGet("/versions", ListVersions)
            .WithName("ListModelVersions")
            .WithSummary("Every model version, newest first, with its status (and the reason if rejected or failed)");

        return app;
    }

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> GetActiveModel(
        RecommenderDbContext db, CancellationToken cancellationToken)
    {
        var active = await db.ModelVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.Status == ModelStatus.Active, cancellationToken);
        return active is null
            ? TypedResults.Problem(
                title: "No active model",
                detail: "No model has been trained and activated yet; recommendations come from popularity until then.",
                statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(ModelVersionResponse.From(active));
    }

    private static async Task<Ok<List<ModelVersionResponse>>> ListVersions(
        RecommenderDbContext db, CancellationToken cancellationToken)
    {
        var versions = await db.ModelVersions.AsNoTracking()
            .OrderByDescending(v => v.Version)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(versions.Select(ModelVersionResponse.From).ToList());
    }
}
