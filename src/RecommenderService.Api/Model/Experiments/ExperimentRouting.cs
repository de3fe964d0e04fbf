using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// Picks the model a user's list is made from: while an experiment runs, a user whose hash of (user id, experiment id)
/// falls below the share gets the treatment version (<see cref="TreatmentAssignment"/>), everyone else the active one
/// (the control arm). Both versions are in memory, so the choice is a hash and a reference read.
/// </summary>
public sealed class ExperimentRouting(ServingModelSource models, ExperimentState state)
{
    public async ValueTask<ServedArm> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var active = await models.CurrentAsync(cancellationToken);
        var running = state.Current;
        // The control arm is the version active when the experiment started; an activation ends the experiment, and
        // until this replica hears of it the arm would be mislabelled, so a mismatch serves the active model unlabelled.
        if (running is null || active is null || active.Version != running.ControlVersion) return new ServedArm(active, null, null);
        return TreatmentAssignment.IsTreated(userId, running.Id, running.Share)
            ? new ServedArm(running.Treatment, running.Id, ExperimentArms.Treatment)
            : new ServedArm(active, running.Id, ExperimentArms.Control);
    }
}
