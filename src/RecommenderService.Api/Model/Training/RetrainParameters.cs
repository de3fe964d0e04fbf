using System.ComponentModel.DataAnnotations;
using RecommenderService.Api.OpenApi;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Settings for one retrain, each optional: a field left out takes the service's configured default. Without
/// <c>epochs</c> the training stops by itself when the error on the newest ratings stops falling.
/// </summary>
[JsonExample("""{"factors": 64}""")]
public sealed record RetrainParameters
{
    /// <summary>Size of the taste vectors of the rating model (1-1024).</summary>
    [Range(1, 1024)] public int? Factors { get; init; }

    /// <summary>Exact number of passes over the ratings (1-10000); left out, the training stops when the error on the newest ratings stops falling.</summary>
    [Range(1, 10_000)] public int? Epochs { get; init; }

    /// <summary>At most this many passes when the training stops by itself (1-10000).</summary>
    [Range(1, 10_000)] public int? MaxEpochs { get; init; }

    /// <summary>Step size of the training (above 0, at most 1).</summary>
    [Range(1e-9, 1)] public float? LearningRate { get; init; }

    /// <summary>Penalty on large taste vectors (0-100).</summary>
    [Range(0.0, 100.0)] public float? Regularization { get; init; }

    /// <summary>Penalty on large user and item biases (0-100).</summary>
    [Range(0.0, 100.0)] public float? BiasRegularization { get; init; }

    /// <summary>Spread of the random starting vectors (0-1).</summary>
    [Range(0.0, 1.0)] public float? InitStdDev { get; init; }

    /// <summary>Also train the list-ranking model that orders recommendations (on unless the service is configured otherwise).</summary>
    public bool? Ranking { get; init; }

    /// <summary>Size of the list-ranking model's taste vectors (1-1024).</summary>
    [Range(1, 1024)] public int? RankingFactors { get; init; }
}
