using System.ComponentModel.DataAnnotations;
using System.Reflection;

using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.OpenApi;
using RecommenderService.Api.Outcomes.Figures;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>Starts an experiment: a stored version served to a share of users beside the active one.</summary>
/// <param name="Treatment">The stored model version to try (trained and kept, not the active one).</param>
/// <param name="Share">The share of users served it, more than 0 and at most 0.5.</param>
[JsonExample("""{"treatment": 8, "share": 0.1}""")]
public sealed record StartExperimentRequest(
    [property: Required] int? Treatment,
    [property: Required, Range(0.001, ExperimentStore.MaxShare)] double? Share)
{
    public static ValueTask<StartExperimentRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        BoundedJsonBody.ReadOptionalAsync<StartExperimentRequest>(context, 16 * 1024);
}

/// <summary>An experiment between the active model version (control) and a stored one (treatment), and how each arm did.</summary>
/// <param name="Id">The experiment.</param>
/// <param name="ControlVersion">The version active when it started, served to everyone outside the treatment.</param>
/// <param name="TreatmentVersion">The version served to the treatment share.</param>
/// <param name="Share">The share of users in the treatment arm, chosen by a hash of user id and experiment id (sticky).</param>
/// <param name="Status">
/// <c>running</c>; <c>stopped</c> (by an operator); <c>promoted</c> (the treatment was activated); <c>ended</c> (another
/// activation, a rollback or a new training, changed the control arm).
/// </param>
/// <param name="EndReason">Why it is no longer running, in words; null while it runs.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it stopped; null while it runs.</param>
/// <param name="Figures">Each arm's lists and outcomes over the whole run, and treatment minus control.</param>
public sealed record ExperimentResponse(
    long Id,
    int ControlVersion,
    int TreatmentVersion,
    double Share,
    [property: AllowedValues(ExperimentStatus.Running, ExperimentStatus.Stopped, ExperimentStatus.Promoted, ExperimentStatus.Ended)] string Status,
    string? EndReason,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    ExperimentFigures Figures)
{
    public static ExperimentResponse From(ExperimentEntity entity, ExperimentFigures figures) => new(entity.Id, entity.ControlVersion,
        entity.TreatmentVersion, entity.Share, entity.Status, entity.EndReason, entity.StartedAt, entity.EndedAt, figures);
}

/// <summary>The two arms' figures and their differences.</summary>
/// <param name="Control">The control arm (the active version).</param>
/// <param name="Treatment">The treatment arm.</param>
/// <param name="Differences">Treatment minus control, per figure, with 95 % intervals (Newcombe).</param>
/// <param name="Better">
/// The arm with the higher click-through when the interval of the difference leaves out 0 (<c>control</c> or
/// <c>treatment</c>); null while the data cannot tell.
/// </param>
public sealed record ExperimentFigures(ArmFigures Control, ArmFigures Treatment, ExperimentDifferences Differences,
    [property: AllowedValues(ExperimentArms.Control, ExperimentArms.Treatment)] string? Better);

/// <summary>One arm's lists and the shares of them with each outcome.</summary>
/// <param name="Version">The model version the arm is served.</param>
/// <param name="Impressions">Lists shown in the arm.</param>
/// <param name="ClickThrough">Lists with a click on a listed item.</param>
/// <param name="LikedRating">Lists with a listed item rated at or above the liked threshold.</param>
/// <param name="Conversions">Lists with each configured event type.</param>
public sealed record ArmFigures(int Version, long Impressions, OnlineRate ClickThrough, OnlineRate LikedRating, IReadOnlyDictionary<string, OnlineRate> Conversions);

/// <summary>Treatment minus control for each figure.</summary>
/// <param name="ClickThrough">Of click-through.</param>
/// <param name="LikedRating">Of the liked-rating rate.</param>
/// <param name="Conversions">Of each event type's rate.</param>
public sealed record ExperimentDifferences(OnlineDifference ClickThrough, OnlineDifference LikedRating, IReadOnlyDictionary<string, OnlineDifference> Conversions);

/// <summary>A difference of two rates with its 95 % interval.</summary>
/// <param name="Difference">Treatment's rate minus control's.</param>
/// <param name="Low">Lower end of the 95 % interval (Newcombe's hybrid score interval).</param>
/// <param name="High">Upper end.</param>
/// <param name="Better"><c>treatment</c> when the interval lies above 0, <c>control</c> when below, null when it holds 0.</param>
public sealed record OnlineDifference(double Difference, double Low, double High,
    [property: AllowedValues(ExperimentArms.Control, ExperimentArms.Treatment)] string? Better);

/// <summary>An experiment an activation ended.</summary>
/// <param name="Id">The experiment.</param>
/// <param name="Status"><c>promoted</c> when the activated version was its treatment, <c>ended</c> otherwise.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record EndedExperiment(long Id, [property: AllowedValues(ExperimentStatus.Promoted, ExperimentStatus.Ended)] string Status, string Reason);
