using Hangfire.Server;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// What a running training tells the outside: its phase, epoch and validation curve as job parameters (the status route
/// and the dashboard read them), and a log line per epoch and per ranking iteration.
/// </summary>
public sealed class TrainingProgress(PerformContext? context, ILogger logger)
{
    private readonly List<double[]> _curve = [];
    private string _phase = "";

    public void Phase(string phase)
    {
        _phase = phase;
        context?.SetJobParameter(RetrainJob.Progress.Phase, phase);
    }

    /// <summary>An SGD epoch: early stopping while it has a validation RMSE, the refit on every rating once it has none.</summary>
    public void Epoch(Engine.EpochProgress epoch)
    {
        if (epoch.ValidationRmse is null && _phase != "refit") Phase("refit");
        logger.LogInformation("Epoch {Epoch} ({Phase}): train RMSE {TrainRmse:F4}, validation RMSE {ValidationRmse:F4}, {Seconds:F2} s",
            epoch.Epoch, _phase, epoch.TrainRmse, epoch.ValidationRmse, epoch.Seconds);
        context?.SetJobParameter(RetrainJob.Progress.Epoch, epoch.Epoch);
        if (epoch.ValidationRmse is not { } rmse) return;
        context?.SetJobParameter(RetrainJob.Progress.ValidationRmse, rmse);
        _curve.Add([epoch.Epoch, Math.Round(rmse, 6)]);
        // As JSON text of its own: Hangfire's serializer would wrap a list in type information.
        context?.SetJobParameter(RetrainJob.Progress.ValidationCurve, System.Text.Json.JsonSerializer.Serialize(_curve));
    }

    public void RankingIteration(Engine.RankingProgress iteration)
    {
        if (_phase == "early-stopping") Phase("ranking");
        logger.LogInformation("Ranking iteration {Iteration}: loss {Loss:F1}, {Seconds:F2} s", iteration.Iteration, iteration.Loss, iteration.Seconds);
    }
}
