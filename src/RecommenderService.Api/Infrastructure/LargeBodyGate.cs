using System.Runtime;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Infrastructure;

/// <summary>
/// Bounds the memory large JSON bodies take (docs/decisions/0010): a body is buffered whole and parsed into a document, so twelve 19 MB
/// batches at once held about 1 GB. At most <see cref="LargeBodyOptions.MaxConcurrent"/> are read and handled at
/// a time, and once none is left the memory they took is handed back to the operating system (a compacting,
/// decommitting collection, a few seconds after the last one), instead of staying resident for ever.
/// </summary>
public sealed class LargeBodyGate : IDisposable
{
    /// <summary>Quiet time after the last large body before memory is handed back; a burst pays once.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly LargeBodyOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly Timer _returnMemory;
    private readonly ILogger<LargeBodyGate> _logger;
    private int _inside;

    public LargeBodyGate(IOptions<LargeBodyOptions> options, ILogger<LargeBodyGate> logger)
    {
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
        _returnMemory = new Timer(_ => ReturnMemory());
        _logger = logger;
    }

    /// <summary>Large bodies being read or handled now.</summary>
    public int Inside => Volatile.Read(ref _inside);

    /// <summary>Whether a body of <paramref name="contentLength"/> bytes (null: unknown, e.g. chunked) must pass the gate.</summary>
    public bool IsLarge(long? contentLength) => contentLength is null || contentLength > _options.ThresholdBytes;

    /// <summary>
    /// Waits for a turn, held until the response is done; a 503 problem when none frees up within
    /// <see cref="LargeBodyOptions.QueueSeconds"/>.
    /// </summary>
    public async Task EnterAsync(HttpContext context)
    {
        var turn = await TryEnterAsync(context.RequestAborted)
                   // ProblemExceptionHandler answers it, with Retry-After as for every 503.
                   ?? throw new BadHttpRequestException(
                       "Too many large bodies are being handled at once; nothing was changed. Try again shortly.",
                       StatusCodes.Status503ServiceUnavailable);
        context.Response.RegisterForDispose(turn);
    }

    /// <summary>A turn, given back when disposed; null when none frees up within <see cref="LargeBodyOptions.QueueSeconds"/>.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(TimeSpan.FromSeconds(_options.QueueSeconds), cancellationToken)) return null;
        Interlocked.Increment(ref _inside);
        _returnMemory.Change(Timeout.Infinite, Timeout.Infinite);
        return new Slot(this);
    }

    private void Leave()
    {
        _slots.Release();
        if (Interlocked.Decrement(ref _inside) == 0)
            _returnMemory.Change(SettleTime, Timeout.InfiniteTimeSpan);
    }

    private void ReturnMemory()
    {
        if (Volatile.Read(ref _inside) > 0) return;
        var before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heap = GC.GetGCMemoryInfo(GCKind.Any);
        _logger.LogInformation("Returned memory after large bodies: working set {BeforeMb} MB -> {AfterMb} MB (managed heap {HeapMb} MB, committed {CommittedMb} MB)",
            before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024), heap.HeapSizeBytes / (1024 * 1024), heap.TotalCommittedBytes / (1024 * 1024));
    }

    public void Dispose()
    {
        _returnMemory.Dispose();
        _slots.Dispose();
    }

    private sealed class Slot(LargeBodyGate gate) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) gate.Leave();
        }
    }
}
