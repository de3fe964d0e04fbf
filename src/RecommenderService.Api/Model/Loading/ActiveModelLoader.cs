using System.Diagnostics;

using Npgsql;

using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Observability;
using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Users;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Loading;

/// <summary>
/// Reads a stored model version (row and blob), checks it, and swaps it into <see cref="ModelHolder"/>.
/// A blob that fails its checksum or format check is refused with a logged error and the model in
/// memory keeps serving.
/// </summary>
public sealed class ActiveModelLoader(NpgsqlDataSource database, ModelHolder holder, LifecycleMetrics metrics, UserRatingsCache users,
    IHostApplicationLifetime lifetime, Microsoft.Extensions.Options.IOptions<ItemIndexSettings> indexing, ILogger<ActiveModelLoader> logger)
{
    private readonly Lock _readAheadLock = new();
    private Task _usersReadAhead = Task.CompletedTask;

    /// <summary>
    /// The running read-ahead of users' ratings (<see cref="UserRatingsCache.WarmAsync"/>), completed when none runs.
    /// A model load starts it and does not wait for it.
    /// </summary>
    public Task UsersReadAhead
    {
        get { lock (_readAheadLock) return _usersReadAhead; }
    }

    /// <summary>Loads the version marked active, if it differs from the one served; returns the one now served.</summary>
    public async Task<ServingModel?> LoadActiveAsync(CancellationToken cancellationToken)
    {
        int? version = null;
        // How long ago it was activated, by the database's clock alone (replica clocks may differ from it).
        double activatedSecondsAgo = 0;
        string? figures = null;
        var asked = Stopwatch.GetTimestamp();
        await using (var command = database.CreateCommand(
            $"SELECT version, extract(epoch FROM clock_timestamp() - activated_at)::float8, metrics::text FROM model_versions WHERE status = '{ModelStatus.Active}'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt32(0);
                activatedSecondsAgo = reader.IsDBNull(1) ? 0 : reader.GetDouble(1);
                figures = reader.IsDBNull(2) ? null : reader.GetString(2);
            }
        }
        if (version is null)
        {
            if (holder.Current is not null)
            {
                logger.LogWarning("No model version is active any more; serving popularity only");
                holder.Swap(null);
            }
            return null;
        }
        if (holder.Current?.Version == version) return holder.Current;
        StartUsersReadAhead();
        using var span = Tracing.Source.StartActivity("model.swap")?.SetTag("model.version", version);
        var served = await LoadVersionAsync(version.Value, cancellationToken);
        if (served is not null) metrics.ActiveServed(TimeSpan.FromSeconds(activatedSecondsAgo) + Stopwatch.GetElapsedTime(asked), figures);
        return served ?? holder.Current;
    }

    /// <summary>Loads and activates <paramref name="version"/> in this replica; null if it could not be used.</summary>
    public async Task<ServingModel?> LoadVersionAsync(int version, CancellationToken cancellationToken)
    {
        if (holder.Standby is { } standby && standby.Version == version)
        {
            // Loaded ahead of time: the activation is a reference swap.
            holder.LastSwapFromStandby = true;
            holder.Standby = holder.Swap(standby);
            logger.LogInformation("Serving model version {Version} from standby; was {Previous}", version, holder.Standby?.Version);
            return standby;
        }
        var serving = await ReadAsync(version, cancellationToken);
        if (serving is null) return null;
        holder.LastSwapFromStandby = false;
        holder.Standby = holder.Swap(serving);
        return serving;
    }

    /// <summary>Loads a stored version into the standby slot before it is activated.</summary>
    public async Task PreloadAsync(int version, CancellationToken cancellationToken)
    {
        if (holder.Current?.Version == version || holder.Standby?.Version == version) return;
        using var span = Tracing.Source.StartActivity("model.preload")?.SetTag("model.version", version);
        var serving = await ReadAsync(version, cancellationToken);
        if (serving is null) return;
        StartUsersReadAhead();
        holder.Standby = serving;
    }

    /// <summary>
    /// Starts reading users' ratings into memory (<see cref="UserRatingsCache.WarmAsync"/>; it reads once until the next
    /// bulk import) unless a read runs already. In the background, bounded by the host's lifetime rather than the
    /// load's: at 120k users it takes 3.6 s (11 s on a loaded machine), which a rollout must not wait for (the retrain
    /// goal is request to active in 60 s), and until it ends a user's first list simply reads their ratings.
    /// </summary>
    private void StartUsersReadAhead()
    {
        lock (_readAheadLock)
        {
            if (!_usersReadAhead.IsCompleted) return;
            _usersReadAhead = Task.Run(ReadUsersAheadAsync, CancellationToken.None);
        }
    }

    private async Task ReadUsersAheadAsync()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var cached = await users.WarmAsync(lifetime.ApplicationStopping);
            if (cached > 0) logger.LogInformation("Read {Users} users' ratings into memory in {Milliseconds} ms", cached, watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Not fatal: without it each user's first list reads their ratings.
            logger.LogWarning("Could not read users' ratings ahead: {Error}", ex.Message);
        }
    }

    /// <summary>
    /// Reads and verifies a stored version without serving it (an experiment's treatment, a preload); null (logged) when
    /// it is missing or corrupt.
    /// </summary>
    public async Task<ServingModel?> ReadAsync(int version, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        const string sql = """
            SELECT v.created_at, v.data_cutoff, v.trained_at, v.metrics ->> 'listSource', v.metrics -> 'newcomerList' ->> 'served', b.data,
                   b.item_indexes
            FROM model_versions v JOIN model_blobs b ON b.version = v.version
            WHERE v.version = $1
            """;
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        // Sequential access streams the blob instead of buffering the whole row first (models reach 100 MB).
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            logger.LogError("Model version {Version} has no stored blob; keeping version {Current}", version, holder.Current?.Version);
            return null;
        }
        var createdAt = reader.GetFieldValue<DateTimeOffset>(0);
        var cutoff = reader.IsDBNull(1) ? createdAt : reader.GetFieldValue<DateTimeOffset>(1);
        var trainedAt = reader.IsDBNull(2) ? createdAt : reader.GetFieldValue<DateTimeOffset>(2);
        var listSource = reader.IsDBNull(3) ? null : reader.GetString(3);
        PopularityList? newcomerList = !reader.IsDBNull(4) && PopularityLists.TryParse(reader.GetString(4), out var judged) ? judged : null;

        FactorModel model;
        ItemIndexes? stored = null;
        var indexed = false;
        try
        {
            await using (var blob = await reader.GetStreamAsync(5, cancellationToken))
                model = ModelSerializer.Read(blob);
            indexed = model.Ranking is not null && indexing.Value.Indexes(model.Items.Count);
        }
        catch (ModelFormatException ex)
        {
            logger.LogError("Refusing model version {Version}: {Reason}; keeping version {Current}", version, ex.Message, holder.Current?.Version);
            return null;
        }
        if (indexed && !await reader.IsDBNullAsync(6, cancellationToken))
        {
            try
            {
                await using var file = await reader.GetStreamAsync(6, cancellationToken);
                stored = ItemIndexFile.Read(model, file, indexing.Value.ToOptions());
            }
            catch (ModelFormatException ex)
            {
                // The model itself is sound: serve it with indexes built here.
                logger.LogWarning("Model version {Version}: stored item indexes unusable ({Reason}); building them", version, ex.Message);
            }
        }
        // What lists scan first, built here rather than by the first requests after the swap.
        ListScore.Prepare(model);
        if (indexed)
        {
            // A large catalogue: lists and similar items take candidates from indexes, the training's when it stored
            // them with these settings, otherwise built here before the model serves.
            var indexes = stored ?? await Task.Run(() => ItemIndexes.Build(model, indexing.Value.ToOptions()), cancellationToken);
            logger.LogInformation("Model version {Version}: item indexes over {Items} items {How} in {Milliseconds} ms, about {Megabytes} MB",
                version, model.Items.Count, indexes.Stored ? "loaded" : "built", (long)indexes.BuildTime.TotalMilliseconds, indexes.Bytes >> 20);
        }
        logger.LogInformation(
            "Model version {Version} ({Users} users, {Items} items, k={Factors}) loaded in {Milliseconds} ms",
            version, model.Users.Count, model.Items.Count, model.Factors, watch.ElapsedMilliseconds);
        return new ServingModel(version, model, cutoff, trainedAt, ListSourceNames.Parse(listSource, model.Ranking is not null))
        {
            NewcomerList = newcomerList,
        };
    }
}
