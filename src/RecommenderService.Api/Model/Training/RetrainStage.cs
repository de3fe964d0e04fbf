namespace RecommenderService.Api.Model.Training;

/// <summary>
/// The stages of a retrain and its rollout, as the <c>stage</c> label of
/// <c>recommender_retrain_stage_duration_seconds</c> and the names of their spans (<c>retrain.{stage}</c>).
/// A fixed set: the label never grows.
/// </summary>
public static class RetrainStage
{
    public const string Read = "read";
    public const string RatingHead = "rating_head";
    public const string RankingHead = "ranking_head";
    public const string Evaluate = "evaluate";
    public const string Refit = "refit";
    public const string Store = "store";
    public const string Preload = "preload";
    public const string Swap = "swap";

    public static readonly IReadOnlyList<string> All = [Read, RatingHead, RankingHead, Evaluate, Refit, Store, Preload, Swap];
}
