using RecommenderService.Api.Model.Rollout;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>What the experiment routes do: start, stop, promote, and read with figures.</summary>
public sealed class ExperimentLifecycle(ExperimentStore store, ExperimentRefresher refresher, ExperimentFigureReader figures, ModelRollout rollout,
    ILogger<ExperimentLifecycle> logger)
{
    /// <summary>How many experiments the list shows, newest first.</summary>
    public const int Listed = 20;

    /// <summary>Starts an experiment; this replica serves it before answering, the others on the notice.</summary>
    public async Task<ExperimentOutcome> StartAsync(int treatment, double share, CancellationToken cancellationToken)
    {
        var (started, problem) = await store.StartAsync(treatment, share, cancellationToken);
        if (started is null) return ExperimentOutcome.Refused(problem!, unknown: problem!.StartsWith("There is no model version", StringComparison.Ordinal));
        logger.LogInformation("Experiment {Experiment} started: version {Treatment} for {Share:P1} of users against version {Control}",
            started.Id, started.TreatmentVersion, started.Share, started.ControlVersion);
        await refresher.RefreshNowAsync(cancellationToken);
        return ExperimentOutcome.Of(ExperimentResponse.From(started, await figures.ForAsync(started, cancellationToken)));
    }

    public async Task<ExperimentOutcome> StopAsync(long id, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(id, cancellationToken);
        if (before is null) return ExperimentOutcome.Missing;
        if (before.Status != ExperimentStatus.Running) return ExperimentOutcome.Refused($"Experiment {id} is not running: it is '{before.Status}' ({before.EndReason}).");
        var stopped = await store.StopAsync(id, cancellationToken);
        logger.LogInformation("Experiment {Experiment} stopped ({Status})", id, stopped!.Status);
        await refresher.RefreshNowAsync(cancellationToken);
        return ExperimentOutcome.Of(ExperimentResponse.From(stopped, await figures.ForAsync(stopped, cancellationToken)));
    }

    /// <summary>Activates the treatment through the normal rollout; the activation ends the experiment as promoted.</summary>
    public async Task<ExperimentOutcome> PromoteAsync(long id, CancellationToken cancellationToken)
    {
        var experiment = await store.GetAsync(id, cancellationToken);
        if (experiment is null) return ExperimentOutcome.Missing;
        if (experiment.Status != ExperimentStatus.Running)
            return ExperimentOutcome.Refused($"Experiment {id} is not running: it is '{experiment.Status}' ({experiment.EndReason}).");
        var activation = await rollout.RollOutAsync(experiment.TreatmentVersion, trained: false, cancellationToken);
        if (!activation.Activated)
            return ExperimentOutcome.Refused($"Version {experiment.TreatmentVersion} could not be activated. {activation.Problem}");
        await refresher.RefreshNowAsync(cancellationToken);
        var promoted = await store.GetAsync(id, cancellationToken);
        return ExperimentOutcome.Of(ExperimentResponse.From(promoted!, await figures.ForAsync(promoted!, cancellationToken)));
    }

    public async Task<ExperimentResponse?> GetAsync(long id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } experiment
            ? ExperimentResponse.From(experiment, await figures.ForAsync(experiment, cancellationToken))
            : null;

    public async Task<List<ExperimentResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = new List<ExperimentResponse>();
        foreach (var experiment in await store.ListAsync(Listed, cancellationToken))
            listed.Add(ExperimentResponse.From(experiment, await figures.ForAsync(experiment, cancellationToken)));
        return listed;
    }
}

/// <summary>What an experiment route found: the experiment, an unknown one, or a refusal in words.</summary>
public sealed record ExperimentOutcome(ExperimentResponse? Experiment, bool Unknown, string? Problem)
{
    public static ExperimentOutcome Missing { get; } = new(null, true, null);
    public static ExperimentOutcome Of(ExperimentResponse experiment) => new(experiment, false, null);
    public static ExperimentOutcome Refused(string problem, bool unknown = false) => new(null, unknown, problem);
}
