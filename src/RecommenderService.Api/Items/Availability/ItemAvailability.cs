using System.Threading.Channels;
using Npgsql;

namespace RecommenderService.Api.Items.Availability;

/// <summary>
/// Every replica's copy of the catalogue's availability rules (<see cref="AvailabilityRule"/>), for lists to skip
/// retired items inside their ranking. Only items with a rule other than "always" are held. Loaded whole before the
/// replica takes traffic and after a missed notice; a catalogue write anywhere sends <c>item_changes</c> with the item's
/// id, and this replica re-reads that item's rule (one at a time, in order, so a later read never loses to an earlier
/// one). The writing replica applies its own write at once, before it answers.
/// </summary>
public sealed class ItemAvailability(NpgsqlDataSource database, TimeProvider clock, ILogger<ItemAvailability> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const string RulesSql = """
        SELECT external_id, available, available_from, available_until FROM items
        WHERE NOT available OR available_from IS NOT NULL OR available_until IS NOT NULL
        """;

    /// <summary>A queued item id, or null for "read them all again".</summary>
    private readonly Channel<string?> _reads = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AvailabilityRule> _rules = new(StringComparer.Ordinal);
    private long _changes;
    private AvailabilityView _view = AvailabilityView.Empty;
    private long _viewChanges = -1;
    private volatile bool _loaded;

    /// <summary>Whether the rules have been read at least once (until then every item is listed).</summary>
    public bool IsLoaded => _loaded;

    /// <summary>What may not be listed now.</summary>
    public AvailabilityView Current()
    {
        var now = clock.GetUtcNow();
        var view = Volatile.Read(ref _view);
        if (Interlocked.Read(ref _viewChanges) == Interlocked.Read(ref _changes) && now < view.ValidUntil) return view;
        lock (_lock)
        {
            view = _view;
            if (_viewChanges == _changes && now < view.ValidUntil) return view;
            var unavailable = new HashSet<string>(StringComparer.Ordinal);
            var validUntil = DateTimeOffset.MaxValue;
            foreach (var (id, rule) in _rules)
            {
                if (!rule.IsAvailableAt(now)) unavailable.Add(id);
                if (rule.NextChangeAfter(now) is { } next && next < validUntil) validUntil = next;
            }
            var sequence = view.Sequence + 1;
            var restored = view.Unavailable.Any(id => !unavailable.Contains(id)) ? sequence : view.RestoredSequence;
            var fresh = new AvailabilityView(sequence, restored, validUntil, unavailable);
            Volatile.Write(ref _view, fresh);
            Interlocked.Exchange(ref _viewChanges, _changes);
            return fresh;
        }
    }

    /// <summary>The rule this replica holds for <paramref name="itemId"/>.</summary>
    public AvailabilityRule RuleOf(string itemId)
    {
        lock (_lock) return _rules.GetValueOrDefault(itemId, AvailabilityRule.Always);
    }

    /// <summary>Applies a rule this replica has just committed (or <see cref="AvailabilityRule.Always"/> for an erased item).</summary>
    public void Apply(string itemId, AvailabilityRule rule)
    {
        lock (_lock)
        {
            if (rule.IsAlways) _rules.Remove(itemId);
            else _rules[itemId] = rule;
            _changes++;
        }
    }

    /// <summary>An item's catalogue data changed somewhere: read its rule again (cheap; called on the notification thread).</summary>
    public void ItemChanged(string itemId) => _reads.Writer.TryWrite(itemId);

    /// <summary>Notices may have been missed: read every rule again.</summary>
    public void Resynchronise() => _reads.Writer.TryWrite(null);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the replica takes traffic; if the database is not there yet, the loop below keeps trying.
        try
        {
            await LoadAllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not read the items' availability ({Error}); every item is listed until it is read", ex.Message);
            Resynchronise();
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await _reads.Reader.WaitToReadAsync(stoppingToken)) return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var all = false;
            while (_reads.Reader.TryRead(out var id))
            {
                if (id is null) all = true;
                else ids.Add(id);
            }
            try
            {
                if (all) await LoadAllAsync(stoppingToken);
                else await ReadAsync(ids, stoppingToken);
                ids.Clear();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not read items' availability ({Error}); trying again", ex.Message);
                if (all) Resynchronise();
                await Task.Delay(RetryDelay, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                // ids stay in the set and are read with the next batch.
                _reads.Writer.TryWrite(ids.FirstOrDefault() ?? string.Empty);
            }
        }
    }

    private async Task ReadAsync(HashSet<string> ids, CancellationToken cancellationToken)
    {
        ids.Remove(string.Empty);
        if (ids.Count == 0) return;
        var read = new Dictionary<string, AvailabilityRule>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand(
            "SELECT external_id, available, available_from, available_until FROM items WHERE external_id = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) read[reader.GetString(0)] = Rule(reader);
        }
        lock (_lock)
        {
            // An id without a row was erased: nothing to hold for it.
            foreach (var id in ids)
            {
                var rule = read.GetValueOrDefault(id, AvailabilityRule.Always);
                if (rule.IsAlways) _rules.Remove(id);
                else _rules[id] = rule;
            }
            _changes++;
        }
    }

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var rules = new Dictionary<string, AvailabilityRule>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand(RulesSql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) rules[reader.GetString(0)] = Rule(reader);
        }
        lock (_lock)
        {
            _rules.Clear();
            foreach (var (id, rule) in rules) _rules[id] = rule;
            _changes++;
            _loaded = true;
        }
        logger.LogInformation("Loaded the availability rules of {Count} items", rules.Count);
    }

    private static AvailabilityRule Rule(NpgsqlDataReader reader) => new(
        reader.GetBoolean(1),
        reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
}
