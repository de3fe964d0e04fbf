using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RecommenderService.Api.Model.Rollout;
using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Dashboard.Pages;

/// <summary>
/// The confirmation step of an activation or a rollback: the version beside the active one, then a POST that
/// rolls it out through <see cref="ModelRollout"/>, the path <c>POST /api/v1/model/versions/{version}/activate</c> takes.
/// </summary>
public sealed class ActivatePage(ModelVersionStore versions, ModelRollout rollout) : PageModel
{
    public VersionFigures? Candidate { get; private set; }
    public VersionFigures? Active { get; private set; }

    /// <summary>False when the version's model was pruned: it cannot be activated, and the page says so before anyone tries.</summary>
    public bool Stored { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>True when the candidate is older than the active version: a rollback.</summary>
    public bool IsRollback => Candidate is not null && Active is not null && Candidate.Version < Active.Version;

    public async Task<IActionResult> OnGetAsync(int version, CancellationToken cancellationToken) =>
        await LoadAsync(version, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(int version, CancellationToken cancellationToken)
    {
        var result = await rollout.RollOutAsync(version, trained: false, cancellationToken);
        if (!result.Found) return NotFound();
        if (result.Activated) return LocalRedirect($"{DashboardDefaults.Path}/model?activated={version}");

        await LoadAsync(version, cancellationToken);
        Problem = $"Version {version} cannot be activated. {result.Problem}";
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(int version, CancellationToken cancellationToken)
    {
        var row = await versions.GetAsync(version, cancellationToken);
        if (row is null) return false;
        Candidate = VersionFigures.From(row);
        Active = await versions.ActiveAsync(cancellationToken) is { } active ? VersionFigures.From(active) : null;
        Stored = (await versions.StateAsync(version, cancellationToken)).HasBlob;
        return true;
    }

    public bool CanActivate => Candidate is not null && Stored && Candidate.Status is not (ModelStatus.Active or ModelStatus.Training or ModelStatus.Failed);
}
