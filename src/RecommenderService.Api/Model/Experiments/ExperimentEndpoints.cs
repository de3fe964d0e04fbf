using Microsoft.AspNetCore.Http.HttpResults;

using RecommenderService.Api.Security;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>Experiments between model versions (docs/api.md, "Experiments").</summary>
public static class ExperimentEndpoints
{
    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/model/experiments")
            .WithTags("Experiments")
            .RequireAuthorization(ApiKeyDefaults.ClientPolicy);

        group.MapPost("", Start)
            .WithName("StartExperiment")
            .WithSummary("Serve a stored model version to a share of users beside the active one (admin key)")
            .WithDescription("""
                `{"treatment": 8, "share": 0.1}`: users whose hash of (user id, experiment id) falls below the share get
                version 8's recommendations (the `treatment` arm), everyone else the active version's (`control`); the
                choice is sticky for the experiment. Both versions are held in memory; every replica follows within about a
                second. Recommendation answers name the arm (`experimentArm`). 201 with the experiment; 404 for an unknown
                version; 409 when it cannot start (no active version, the treatment is the active one or not a stored trained
                version, or another experiment runs).
                """)
            .Accepts<StartExperimentRequest>("application/json")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("", List)
            .WithName("ListExperiments")
            .WithSummary("List the newest experiments, newest first, with each arm's online figures and their differences")
            .WithDescription("""
                At most 20. `figures` counts each arm's lists over the whole run and the share with each outcome (click-through,
                liked ratings, each event type), with 95 % intervals, and treatment minus control with its 95 % interval
                (`differences`); `better` names the arm with the higher click-through once that interval leaves out 0.
                """);

        group.MapGet("/{id:long}", Get)
            .WithName("GetExperiment")
            .WithSummary("Get an experiment with each arm's online figures and their differences")
            .WithDescription("404 when there is no such experiment.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/stop", Stop)
            .WithName("StopExperiment")
            .WithSummary("Stop a running experiment: every user gets the active version again (admin key)")
            .WithDescription("404 when there is no such experiment; 409 when it is not running.")
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/promote", Promote)
            .WithName("PromoteExperiment")
            .WithSummary("Activate a running experiment's treatment version for everyone, through the normal rollout (admin key)")
            .WithDescription("""
                The same path as `POST /api/v1/model/versions/{version}/activate`: every replica loads it, then switches; the
                experiment ends as `promoted`. 404 when there is no such experiment; 409 when it is not running or the version
                cannot be activated.
                """)
            .RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Results<Created<ExperimentResponse>, ValidationProblem, ProblemHttpResult>> Start(
        StartExperimentRequest? body, ExperimentLifecycle experiments, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (body?.Treatment is not { } treatment) errors.Add("treatment", "The stored model version to try is required, e.g. {\"treatment\": 8, \"share\": 0.1}.");
        if (body?.Share is not { } share) errors.Add("share", "The share of users to serve it is required, e.g. 0.1.");
        else if (!(share > 0 && share <= ExperimentStore.MaxShare))
            errors.Add("share", $"The share must be more than 0 and at most {ExperimentStore.MaxShare}: the treatment is the smaller arm.");
        if (!errors.IsEmpty) return errors.ToProblem("No experiment was started.");

        var outcome = await experiments.StartAsync(body!.Treatment!.Value, body.Share!.Value, cancellationToken);
        return outcome.Experiment is { } started
            ? TypedResults.Created($"/api/v1/model/experiments/{started.Id}", started)
            : Problem(outcome, "The experiment cannot start");
    }

    private static async Task<Ok<List<ExperimentResponse>>> List(ExperimentLifecycle experiments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await experiments.ListAsync(cancellationToken));

    /// <param name="id">The experiment.</param>
    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Get(long id, ExperimentLifecycle experiments, CancellationToken cancellationToken) =>
        await experiments.GetAsync(id, cancellationToken) is { } experiment ? TypedResults.Ok(experiment) : Problem(ExperimentOutcome.Missing, "");

    /// <param name="id">The experiment.</param>
    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Stop(long id, ExperimentLifecycle experiments, CancellationToken cancellationToken) =>
        Answer(await experiments.StopAsync(id, cancellationToken), "The experiment cannot be stopped");

    /// <param name="id">The experiment.</param>
    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Promote(long id, ExperimentLifecycle experiments, CancellationToken cancellationToken) =>
        Answer(await experiments.PromoteAsync(id, cancellationToken), "The experiment cannot be promoted");

    private static Results<Ok<ExperimentResponse>, ProblemHttpResult> Answer(ExperimentOutcome outcome, string title) =>
        outcome.Experiment is { } experiment ? TypedResults.Ok(experiment) : Problem(outcome, title);

    private static ProblemHttpResult Problem(ExperimentOutcome outcome, string title) => outcome switch
    {
        { Unknown: true, Problem: null } => TypedResults.Problem(title: "Unknown experiment", detail: "There is no such experiment.",
            statusCode: StatusCodes.Status404NotFound),
        { Unknown: true } => TypedResults.Problem(title: "Unknown version", detail: outcome.Problem, statusCode: StatusCodes.Status404NotFound),
        _ => TypedResults.Problem(title: title, detail: outcome.Problem, statusCode: StatusCodes.Status409Conflict),
    };
}
