using System.Globalization;

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

using RecommenderService.Api.Dashboard.Charts;
using RecommenderService.Api.Model;
using RecommenderService.Api.Model.Training;
using RecommenderService.Api.Model.Versions;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// "Where is the retrain now?": the running (or waiting) retrain as <see cref="RetrainQueue"/> reports it to
/// <c>GET /api/v1/model/jobs/{jobId}</c>, with its validation RMSE curve, refreshed every few seconds while it runs;
/// and the last trainings, from their model versions.
/// </summary>
public sealed class TrainingPage(ModelVersionStore versions, IServiceProvider services) : PageModel
{
    public const int RunsShown = 15;

    /// <summary>The phases a retrain passes through, in order (<see cref="JobStatusResponse.Phase"/>).</summary>
    public static IReadOnlyList<(string Phase, string Meaning)> Phases { get; } =
    [
        ("reading", "reading the ratings"),
        ("early-stopping", "training the rating model, watching the newest ratings held out"),
        ("ranking", "training the list-ranking model"),
        ("refit", "training again on all ratings"),
        ("storing", "storing the model"),
        ("preloading", "every replica loads it"),
    ];

    /// <summary>False on a replica without Hangfire (<c>Training:JobsEnabled=false</c>): it can neither start nor follow a retrain.</summary>
    public bool JobsEnabled { get; private set; }

    /// <summary>The retrain running or waiting now.</summary>
    public JobStatusResponse? Current { get; private set; }

    /// <summary>When nothing runs: the newest training's job, if Hangfire still holds it.</summary>
    public JobStatusResponse? Last { get; private set; }

    public IReadOnlyList<(int Epoch, double Rmse)> Curve { get; private set; } = [];
    public IReadOnlyList<VersionFigures> Runs { get; private set; } = [];
    public string? Started { get; private set; }

    /// <summary>Seconds between refreshes while a retrain runs or waits.</summary>
    public int RefreshSeconds => Current is null ? 0 : 2;

    public async Task OnGetAsync(string? started, CancellationToken cancellationToken)
    {
        Started = started;
        Runs = (await versions.ListAsync(cancellationToken)).Take(RunsShown).Select(VersionFigures.From).ToList();
        var jobs = services.GetService<RetrainQueue>();
        JobsEnabled = jobs is not null;
        if (jobs is null) return;

        if (jobs.CurrentJobId() is { } current && await jobs.StatusAsync(current, cancellationToken) is { } status && status.State is "enqueued" or "processing")
        {
            Current = status;
            Curve = jobs.ValidationCurve(current);
            return;
        }
        if (Runs.FirstOrDefault(r => r.JobId is not null)?.JobId is { } lastJob && IsJobNumber(lastJob))
        {
            Last = await jobs.StatusAsync(lastJob, cancellationToken);
            if (Last is not null) Curve = jobs.ValidationCurve(lastJob);
        }
    }

    /// <summary>Starts a retrain (or answers the one already waiting or running), as <c>POST /api/v1/model/retrain</c> does.</summary>
    public async Task<IActionResult> OnPostRetrainAsync(CancellationToken cancellationToken)
    {
        var jobs = services.GetService<RetrainQueue>();
        if (jobs is null)
        {
            await OnGetAsync(null, cancellationToken);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
        var accepted = await jobs.RequestAsync(null, cancellationToken);
        return LocalRedirect($"{DashboardDefaults.Path}/training?started={Uri.EscapeDataString(accepted.JobId)}");
    }

    public IReadOnlyList<string> CurveLabels => Curve.Select(p => p.Epoch.ToString(CultureInfo.InvariantCulture)).ToList();

    public IReadOnlyList<ChartSeries> CurveSeries => [new("Validation RMSE", Curve.Select(p => (double?)p.Rmse).ToList())];

    private static bool IsJobNumber(string jobId) => long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0;
}
