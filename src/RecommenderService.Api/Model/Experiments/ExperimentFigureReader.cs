using Microsoft.Extensions.Options;

using RecommenderService.Api.Outcomes.Events;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// An experiment's figures: each arm's lists over the whole run and their outcomes (<see cref="OnlineFigureQuery"/>),
/// treatment minus control per figure with its 95 % interval (<see cref="DifferenceInterval.Newcombe"/>), and which arm
/// is better on click-through once that interval leaves out 0.
/// </summary>
public sealed class ExperimentFigureReader(OnlineFigureQuery query, OnlineFiguresCache online, ExperimentMetrics metrics, ExperimentStore store,
    IOptions<EventOptions> events) : IOnlineGauges
{
    public async Task<ExperimentFigures> ForAsync(ExperimentEntity experiment, CancellationToken cancellationToken)
    {
        var arms = await query.ByArmAsync(experiment.Id, experiment.StartedAt, experiment.EndedAt, online.Threshold, cancellationToken);
        var control = arms.GetValueOrDefault(ExperimentArms.Control) ?? new OnlineTally();
        var treatment = arms.GetValueOrDefault(ExperimentArms.Treatment) ?? new OnlineTally();
        var types = events.Value.Accepted;
        var conversions = new Dictionary<string, OnlineDifference>(StringComparer.Ordinal);
        foreach (var type in types) conversions[type] = Difference(treatment, control, type);
        var clickThrough = Difference(treatment, control, EventTypes.Click);
        var figures = new ExperimentFigures(
            Arm(experiment.ControlVersion, control, types),
            Arm(experiment.TreatmentVersion, treatment, types),
            new ExperimentDifferences(clickThrough, Difference(treatment, control, OnlineFigureQuery.Liked), conversions),
            clickThrough.Better);
        // Whoever reads the running experiment's figures also refreshes its gauges.
        if (experiment.Status == ExperimentStatus.Running) metrics.Update(figures);
        return figures;
    }

    /// <summary>Exports the running experiment's figures as gauges, or removes them when none runs.</summary>
    public async Task RefreshGaugesAsync(CancellationToken cancellationToken)
    {
        if (await store.RunningAsync(cancellationToken) is { } running) await ForAsync(running, cancellationToken);
        else metrics.Update(null);
    }

    private static ArmFigures Arm(int version, OnlineTally tally, IReadOnlyList<string> types)
    {
        var figures = tally.ToFigures(0, types, EventTypes.Click, OnlineFigureQuery.Liked);
        return new ArmFigures(version, figures.Impressions, figures.ClickThrough, figures.LikedRating, figures.Conversions);
    }

    private static OnlineDifference Difference(OnlineTally treatment, OnlineTally control, string type)
    {
        var d = DifferenceInterval.Newcombe(OnlineRate.Interval(treatment.Outcomes(type), treatment.Impressions),
            OnlineRate.Interval(control.Outcomes(type), control.Impressions));
        var better = !d.ExcludesZero || treatment.Impressions == 0 || control.Impressions == 0 ? null
            : d.Low > 0 ? ExperimentArms.Treatment : ExperimentArms.Control;
        return new OnlineDifference(Math.Round(d.Difference, 6), Math.Round(d.Low, 6), Math.Round(d.High, 6), better);
    }
}
