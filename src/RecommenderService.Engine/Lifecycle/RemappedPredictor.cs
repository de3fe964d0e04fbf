namespace RecommenderService.Engine;

/// <summary>
/// Another model's rating head, seen through this data set's indices: so a model trained earlier (on other id
/// maps) can be scored on a new holdout next to a candidate. A user or item the model does not know contributes
/// no bias and no vector, exactly as a zero vector would (μ + b_i for a new user).
/// </summary>
public sealed class RemappedPredictor : IRatingPredictor
{
    private readonly FactorModel _model;
    private readonly int[] _user;
    private readonly int[] _item;

    public RemappedPredictor(FactorModel model, IdMap users, IdMap items, string name = "active")
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _user = Map(users, model.Users);
        _item = Map(items, model.Items);
        Name = name;
    }

    public string Name { get; }

    public float Predict(int user, int item)
    {
        var u = user < _user.Length ? _user[user] : -1;
        var i = item < _item.Length ? _item[item] : -1;
        var score = _model.GlobalMean;
        if (u >= 0) score += _model.UserBias[u];
        if (i >= 0) score += _model.ItemBias[i];
        if (u >= 0 && i >= 0) score += System.Numerics.Tensors.TensorPrimitives.Dot(_model.UserVector(u), _model.ItemVector(i));
        return _model.Scale.Clamp(score);
    }

    public void ScoreItems(int user, Span<float> scores)
    {
        for (var i = 0; i < scores.Length; i++) scores[i] = Predict(user, i);
    }

    private static int[] Map(IdMap from, IdMap to)
    {
        var map = new int[from.Count];
        for (var x = 0; x < map.Length; x++) map[x] = to.TryGetIndex(from[x], out var index) ? index : -1;
        return map;
    }
}
