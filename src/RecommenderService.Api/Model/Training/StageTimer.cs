using System.Diagnostics;
using Prometheus;
using RecommenderService.Api.Observability;

namespace RecommenderService.Api.Model.Training;

/// <summary>
/// Times one retrain stage into the stage histogram and wraps it in a span, so a call site is one
/// <c>using var _ = metrics.Stage(RetrainStage.Read);</c>. A stage that throws is timed too (its time was
/// spent); the error itself is recorded once, on the retrain's span.
/// </summary>
public sealed class StageTimer : IDisposable
{
    private readonly Histogram.Child _duration;
    private readonly Activity? _span;
    private readonly long _started = Stopwatch.GetTimestamp();

    internal StageTimer(Histogram.Child duration, string stage)
    {
        _duration = duration;
        _span = Tracing.Source.StartActivity("retrain." + stage);
        _span?.SetTag("retrain.stage", stage);
    }

    public void Dispose()
    {
        _duration.Observe(Stopwatch.GetElapsedTime(_started).TotalSeconds);
        _span?.Dispose();
    }
}
