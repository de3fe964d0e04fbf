using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>A <see cref="FactorModel"/> seen as an <see cref="IRatingPredictor"/> (the MF model and the MF-without-biases baseline).</summary>
public sealed class FactorModelPredictor(FactorModel model, string name = "mf") : IRatingPredictor
{
    public string Name { get; } = name;

    public FactorModel Model { get; } = model;

    public float Predict(int user, int item) => Model.Predict(user, item);

    public void ScoreItems(int user, Span<float> scores)
    {
        var k = Model.Factors;
        var p = Model.UserVector(user);
        var q = Model.ItemFactors.AsSpan();
        var offset = Model.GlobalMean + Model.UserBias[user];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = offset + Model.ItemBias[i] + TensorPrimitives.Dot(p, q.Slice(i * k, k));
    }
}
