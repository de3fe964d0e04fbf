using Serilog.Core;
using Serilog.Events;

namespace RecommenderService.Api.Tests.Support;

/// <summary>Keeps every log event a host writes, for tests of what the logs say (and do not say).</summary>
public sealed class CollectingLogSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public IReadOnlyList<LogEvent> Events { get { lock (_events) return _events.ToList(); } }

    public void Emit(LogEvent logEvent) { lock (_events) _events.Add(logEvent); }

    /// <summary>Waits for an event and returns the first that matches; request lines are written as the middleware unwinds, just after the response.</summary>
    public async Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match)
    {
        for (var wait = 0; wait < 200 && !Events.Any(match); wait++) await Task.Delay(50);
        var first = Events.FirstOrDefault(match);
        Assert.True(first is not null, "No matching log event was written");
        return first;
    }
}
