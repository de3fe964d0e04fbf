using System.ComponentModel.DataAnnotations;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>
/// Optional hyperparameters for one retrain (body of <c>POST /api/v1/model/retrain</c>); unset fields take
/// the configured defaults. With <see cref="Epochs"/> unset, early stopping picks the epoch count.
/// </summary>
public sealed record RetrainParameters
{
    /// <summary>Factor dimension k (1-1024).</summary>
    [Range(1, 1024)] public int? Factors { get; init; }

    /// <summary>Exact number of epochs (1-10000); unset = early stopping on the holdout.</summary>
    [Range(1, 10_000)] public int? Epochs { get; init; }

    /// <summary>Upper bound of epochs for early stopping (1-10000).</summary>
    [Range(1, 10_000)] public int? MaxEpochs { get; init; }

    /// <summary>SGD step size η (0-1].</summary>
    [Range(1e-9, 1)] public float? LearningRate { get; init; }

    /// <summary>L2 penalty λ on the factors (0-100).</summary>
    [Range(0, 100)] public float? Regularization { get; init; }

    /// <summary>L2 penalty on the biases (0-100).</summary>
    [Range(0, 100)] public float? BiasRegularization { get; init; }

    /// <summary>σ of the random start of the factors (0-1).</summary>
    [Range(0, 1)] public float? InitStdDev { get; init; }

    /// <summary>Train the ranking head that orders lists (default: Training:RankingEnabled).</summary>
    public bool? Ranking { get; init; }

    /// <summary>Factor dimension of the ranking head (1-1024).</summary>
    [Range(1, 1024)] public int? RankingFactors { get; init; }
}
