namespace RecommenderService.Engine;

/// <summary>
/// Lists as a service serves them: personalised for users who have training ratings, and the fallback's
/// (popularity) for users who have none — a model knows nothing of those users, and scoring them with a
/// zero vector would rank items arbitrarily. Predictions always come from the personalised predictor.
/// </summary>
/// <remarks>
/// Matters most on temporal holdouts, where many of the newest ratings come from users who only just
/// arrived: measuring a model there without this fallback measures lists nobody is ever shown.
/// </remarks>
public sealed class ColdStartFallbackPredictor : IRatingPredictor
{
    private readonly IRatingPredictor _personal;
    private readonly IRatingPredictor _fallback;
    private readonly bool[] _hasTraining;

    public ColdStartFallbackPredictor(IRatingPredictor personal, IRatingPredictor fallback, RatingSet train)
    {
        _personal = personal;
        _fallback = fallback;
        _hasTraining = new bool[train.UserCount];
        foreach (var user in train.User) _hasTraining[user] = true;
    }

    public string Name => _personal.Name;

    public float Predict(int user, int item) => _personal.Predict(user, item);

    public void ScoreItems(int user, Span<float> scores) =>
        (user < _hasTraining.Length && _hasTraining[user] ? _personal : _fallback).ScoreItems(user, scores);
}
