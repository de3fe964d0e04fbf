using Microsoft.AspNetCore.Http.HttpResults;

using RecommenderService.Api.Model.Rollout;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Model;

/// <summary>Model lifecycle routes (docs/api.md, "Model lifecycle").</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/model")
            .WithTags("Model")
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapGet("", GetActiveModel)
            .WithName("GetActiveModel")
            .WithSummary("Get the model in use: its version, settings, data counts and quality figures")
            .WithDescription("404 while no model has been trained and activated; recommendations then come from popularity.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/versions", ListVersions)
            .WithName("ListModelVersions")
            .WithSummary("List every model version, newest first, with its status, quality figures and online figures")
            .WithDescription("""
                A rejected or failed version says why in `reason`. `online` says how the lists each version served did once
                shown (the last `Outcomes:WindowHours`, 24 by default): click-through, liked ratings and each event type's
                rate, with counts and 95 % intervals, in all and per strategy and source. Computed from the recorded lists
                and the events and ratings that cite them, at most every `Outcomes:FiguresCacheSeconds`.
                """);

        group.MapPost("/retrain", Retrain)
            .WithName("Retrain")
            .WithSummary("Train a new model now (admin key); answers 202 with the job to watch")
            .WithDescription("""
                The body is optional: settings for this training only. If a training is already waiting or running,
                the answer is that job (`alreadyQueued: true`): two trainings never run at once. The new model replaces
                the one in use only if it passes the quality checks. 503 when this replica does not run trainings.
                """)
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));

        group.MapGet("/jobs/{jobId}", GetJob)
            .WithName("GetRetrainJob")
            .WithSummary("Follow a training job: its state, progress and the model version it made")
            .WithDescription("404 when the service knows no training job with this id.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/versions/{version:int}/activate", Activate)
            .WithName("ActivateModelVersion")
            .WithSummary("Put a stored model version in use everywhere: rollback or promotion (admin key)")
            .WithDescription("""
                Every replica loads the version first and then switches, so no request fails. A running experiment ends
                (`promoted` when this version was its treatment, `ended` otherwise) and the answer says so in
                `endedExperiment`. 404 for an unknown version; 409 when it cannot be activated (it failed, is still
                training, or its model is no longer stored).
                """)
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Results<Accepted<RetrainAccepted>, ValidationProblem, ProblemHttpResult>> Retrain(
        RetrainParameters? body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (body is not null)
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(body, new(body), results, validateAllProperties: true);
            foreach (var result in results)
                foreach (var member in result.MemberNames)
                    errors.Add(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member), result.ErrorMessage ?? "invalid");
        }
        if (!errors.IsEmpty) return errors.ToProblem("The hyperparameters are not valid; no training was started.");

        var jobs = services.GetService<RetrainQueue>();
        if (jobs is null)
            return TypedResults.Problem(title: "Jobs disabled", detail: "This replica runs without Hangfire (Training:JobsEnabled=false).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        var accepted = await jobs.RequestAsync(body, cancellationToken);
        return TypedResults.Accepted($"/api/v1/model/jobs/{accepted.JobId}", accepted);
    }

    /// <param name="jobId">The job's id, as the retrain answered it.</param>
    private static async Task<Results<Ok<JobStatusResponse>, ProblemHttpResult>> GetJob(
        string jobId, IServiceProvider services, CancellationToken cancellationToken)
    {
        var jobs = services.GetService<RetrainQueue>();
        // Hangfire's PostgreSQL storage numbers its jobs (bigint) and parses the id it is given: anything
        // else cannot be a job, and would make it throw.
        var status = jobs is null || !IsJobNumber(jobId) ? null : await jobs.StatusAsync(jobId, cancellationToken);
        return status is null
            ? TypedResults.Problem(title: "Unknown job", detail: $"No retrain job '{jobId}' is known.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(status);
    }

    private static bool IsJobNumber(string jobId) =>
        long.TryParse(jobId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0;

    /// <param name="version">The model version.</param>
    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> Activate(
        int version, ModelRollout rollout, ModelVersionStore versions, OnlineFiguresCache online, CancellationToken cancellationToken)
    {
        // The same path as after a retrain: every live replica loads it first, so the switch is a swap everywhere.
        var result = await rollout.RollOutAsync(version, trained: false, cancellationToken);
        if (!result.Found)
            return TypedResults.Problem(title: "Unknown version", detail: $"There is no model version {version}.", statusCode: StatusCodes.Status404NotFound);
        if (!result.Activated)
            return TypedResults.Problem(title: "Version cannot be activated", detail: $"Model version {version} cannot be activated. {result.Problem}",
                statusCode: StatusCodes.Status409Conflict);
        var row = await versions.GetAsync(version, cancellationToken);
        var figures = await online.ByVersionAsync(cancellationToken);
        return TypedResults.Ok(ModelVersionResponse.From(row!, online.For(figures, version)) with { EndedExperiment = result.EndedExperiment });
    }

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> GetActiveModel(
        ModelVersionStore versions, OnlineFiguresCache online, CancellationToken cancellationToken)
    {
        var active = await versions.ActiveAsync(cancellationToken);
        var figures = active is null ? null : await online.ByVersionAsync(cancellationToken);
        return active is null
            ? TypedResults.Problem(
                title: "No active model",
                detail: "No model has been trained and activated yet; recommendations come from popularity until then.",
                statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(ModelVersionResponse.From(active, online.For(figures!, active.Version)));
    }

    private static async Task<Ok<List<ModelVersionResponse>>> ListVersions(
        ModelVersionStore versions, OnlineFiguresCache online, CancellationToken cancellationToken)
    {
        var rows = await versions.ListAsync(cancellationToken);
        var figures = await online.ByVersionAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(row => ModelVersionResponse.From(row, online.For(figures, row.Version))).ToList());
    }
}
