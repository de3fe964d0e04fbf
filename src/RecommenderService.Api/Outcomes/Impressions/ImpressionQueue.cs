using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// The bounded queue between the serving path and <see cref="ImpressionWriter"/>: recording is a non-blocking write to
/// memory, never a database call. When the queue is full the impression is dropped, counted and logged (at most once
/// every few seconds, with the count since), never waited for.
/// </summary>
public sealed class ImpressionQueue
{
    private static readonly long LogEvery = Stopwatch.Frequency * 10;

    private readonly Channel<Impression> _channel;
    private readonly OutcomeMetrics _metrics;
    private readonly ILogger<ImpressionQueue> _logger;
    private long _droppedSinceLog;
    private long _loggedAt;
    private long _queued;

    public ImpressionQueue(IOptions<OutcomeOptions> options, OutcomeMetrics metrics, ILogger<ImpressionQueue> logger)
    {
        Enabled = options.Value.RecordImpressions;
        _channel = Channel.CreateBounded<Impression>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuses instead of waiting
            SingleReader = true,
        });
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveQueue(() => _channel.Reader.Count);
    }

    /// <summary>Whether impressions are recorded (<see cref="OutcomeOptions.RecordImpressions"/>).</summary>
    public bool Enabled { get; }

    public ChannelReader<Impression> Reader => _channel.Reader;

    /// <summary>Impressions queued since the start (not those dropped because the queue was full).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Queues <paramref name="impression"/>, or drops and counts it when the queue is full.</summary>
    public void Record(Impression impression)
    {
        if (!Enabled) return;
        if (_channel.Writer.TryWrite(impression))
        {
            Interlocked.Increment(ref _queued);
            _metrics.Recorded();
            return;
        }
        _metrics.Dropped(OutcomeMetrics.DropReason.QueueFull, 1);
        Interlocked.Increment(ref _droppedSinceLog);
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _loggedAt);
        if (now - last < LogEvery || Interlocked.CompareExchange(ref _loggedAt, now, last) != last) return;
        _logger.LogWarning("Impression queue full: dropped {Dropped} impression(s) since the last warning; the writer cannot keep up",
            Interlocked.Exchange(ref _droppedSinceLog, 0));
    }

    /// <summary>Refuses further impressions; the writer drains what is queued and stops.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
