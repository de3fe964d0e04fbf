using System.Diagnostics;

using RecommenderService.Api.Items;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Loading;

/// <summary>
/// The model requests are served from: the active model with the catalogue's untrained items appended, each with
/// vectors its attributes derive through the model's attribute map (<see cref="ColdItems"/>), so an item added after
/// training has predictions, similar items and a place in lists before the next retrain. Items the model was trained on
/// keep their learned vectors; items without attributes the map knows wait for training, as before.
/// </summary>
/// <remarks>
/// <para>Kept current lazily with a stamp: a catalogue write (here, <see cref="ItemChanged"/> right after its commit; on
/// other replicas, the <c>item_changes</c> notice) only records the item and bumps a generation, and the next request
/// that finds the generation moved re-reads those items' attributes and rebuilds, so a replica serves a write it made
/// from the next request on, and every replica within a notice. A new model version is rebuilt in full (every item's
/// attributes read once), warmed as soon as it is swapped in.</para>
/// <para>A rebuild that changes nothing (a title edit, an item the model knows) keeps the served instance, so users'
/// views and remembered lists survive it. When the database cannot be read, the last served set keeps serving and the
/// rebuild is retried a second later rather than on every request; while a rebuild for the served model is reading,
/// other requests are served the set it will replace instead of waiting for it.</para>
/// </remarks>
public sealed class ServingModelSource : IItemChangeListener
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly ModelHolder _models;
    private readonly CatalogueAttributes _catalogue;
    private readonly ILogger<ServingModelSource> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _pendingLock = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _rereadAll;
    private long _generation;
    private long _builds;
    private long _retryAt;
    private Built? _built;

    /// <summary>What was served for one trained model at one catalogue generation.</summary>
    private sealed record Built(ServingModel Trained, ServingModel Served, long Generation, SortedDictionary<string, string[]> Cold);

    public ServingModelSource(ModelHolder models, CatalogueAttributes catalogue, ILogger<ServingModelSource> logger)
    {
        _models = models;
        _catalogue = catalogue;
        _logger = logger;
        // Warm a new version at once, so the first request after a swap does not pay for reading the catalogue.
        models.Swapped += serving =>
        {
            if (serving?.Model.AttributeMap is not null) _ = Task.Run(() => CurrentAsync(CancellationToken.None));
            // Nothing to append to a model without a map: let the previous model and its copy go.
            else Volatile.Write(ref _built, null);
        };
    }

    /// <summary>Records that an item's catalogue data changed (cheap; called on the notification thread too).</summary>
    public void ItemChanged(string itemId)
    {
        lock (_pendingLock)
        {
            _pending.Add(itemId);
            _generation++;
        }
    }

    /// <summary>Notices may have been missed (the listener reconnected): the next request re-reads every item.</summary>
    public void Resynchronise()
    {
        lock (_pendingLock)
        {
            _rereadAll = true;
            _generation++;
        }
    }

    /// <summary>The model to serve this request from, or null while no model is active.</summary>
    public async ValueTask<ServingModel?> CurrentAsync(CancellationToken cancellationToken)
    {
        var trained = _models.Current;
        if (trained?.Model.AttributeMap is null) return trained;
        var built = Volatile.Read(ref _built);
        var current = built is not null && built.Trained == trained;
        if (current && built!.Generation == Interlocked.Read(ref _generation)) return built.Served;
        if (Stopwatch.GetTimestamp() < Interlocked.Read(ref _retryAt)) return current ? built!.Served : trained;
        // A rebuild for this model is already reading the catalogue: serve the set it will replace rather than queue
        // every request behind its database read (during an outage, the whole connection timeout).
        if (!_gate.Wait(0))
        {
            if (current) return built!.Served;
            await _gate.WaitAsync(cancellationToken);
        }
        return await RebuildAsync(trained, cancellationToken);
    }

    /// <summary>Rebuilds for <paramref name="trained"/>; the caller holds the gate, which this releases.</summary>
    private async Task<ServingModel> RebuildAsync(ServingModel trained, CancellationToken cancellationToken)
    {
        string[] changed;
        bool all;
        long generation;
        var built = _built;
        try
        {
            // Another request may have rebuilt while this one waited.
            if (built is not null && built.Trained == trained && built.Generation == Interlocked.Read(ref _generation)) return built.Served;
            lock (_pendingLock)
            {
                generation = _generation;
                all = _rereadAll || built is null || built.Trained != trained;
                changed = all ? [] : _pending.ToArray();
                _pending.Clear();
                _rereadAll = false;
            }
            try
            {
                var next = await BuildAsync(trained, built, all, changed, generation, cancellationToken);
                Volatile.Write(ref _built, next);
                return next.Served;
            }
            catch (Exception ex)
            {
                lock (_pendingLock)
                {
                    // Whatever was taken is read again next time, also when the asking request went away.
                    if (all) _rereadAll = true;
                    else _pending.UnionWith(changed);
                }
                if (ex is OperationCanceledException) throw;
                Interlocked.Exchange(ref _retryAt, Stopwatch.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * Stopwatch.Frequency));
                _logger.LogWarning("Could not read item attributes for version {Version} ({Error}); serving the items from attributes as they were",
                    trained.Version, ex.Message);
                return built is not null && built.Trained == trained ? built.Served : trained;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Built> BuildAsync(ServingModel trained, Built? previous, bool all, string[] changed, long generation,
        CancellationToken cancellationToken)
    {
        var model = trained.Model;
        var map = model.AttributeMap!;
        SortedDictionary<string, string[]> cold;
        if (all)
        {
            cold = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (id, tokens) in await _catalogue.ReadAllAsync(cancellationToken))
                if (!model.Items.TryGetIndex(id, out _) && map.Recognises(tokens)) cold[id] = tokens;
        }
        else
        {
            // Items the model was trained on keep their learned vectors whatever their attributes say.
            var untrained = changed.Where(id => !model.Items.TryGetIndex(id, out _)).ToArray();
            var read = await _catalogue.ReadAsync(untrained, cancellationToken);
            cold = new SortedDictionary<string, string[]>(previous!.Cold, StringComparer.Ordinal);
            var same = true;
            foreach (var id in untrained)
            {
                var now = read.TryGetValue(id, out var tokens) && map.Recognises(tokens) ? tokens : null;
                var before = cold.GetValueOrDefault(id);
                if (now is null ? before is null : before is not null && now.SequenceEqual(before)) continue;
                same = false;
                if (now is null) cold.Remove(id);
                else cold[id] = now;
            }
            if (same) return previous with { Generation = generation };
        }

        var served = cold.Count == 0
            ? trained
            : trained with { Model = ColdItems.Append(model, cold), ColdStamp = Interlocked.Increment(ref _builds) };
        // Once per version at Information; per catalogue write only at Debug (an import writes thousands).
        _logger.Log(all ? LogLevel.Information : LogLevel.Debug, "Model version {Version} serves {ColdItems} untrained item(s) from their attributes",
            trained.Version, cold.Count);
        return new Built(trained, served, generation, cold);
    }
}
