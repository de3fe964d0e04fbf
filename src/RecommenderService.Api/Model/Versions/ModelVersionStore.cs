using System.Globalization;
using System.Text.Json;

using Npgsql;
using NpgsqlTypes;

using RecommenderService.Api.Model.Experiments;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model.Versions;

/// <summary>
/// The only owner of <c>model_versions</c> and <c>model_blobs</c>: a version is created when its training starts,
/// completed (accepted or rejected) or failed when it ends, and activation switches the active version in one
/// transaction and announces it on <see cref="NotificationChannels.ModelChanges"/>. Activation and pruning take one
/// transaction-scoped advisory lock, so a prune can never delete the blob of a version being activated.
/// </summary>
public sealed class ModelVersionStore(NpgsqlDataSource database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Serialises activations and prunes across replicas ("recommender versions").</summary>
    public const long VersionsLockKey = 0x5265_6356_6572_7373;

    private const string Columns = """
        version, status, reason, job_id, hyperparameters::text, metrics::text, user_count, item_count, rating_count,
        training_seconds, data_cutoff, created_at, trained_at, activated_at
        """;

    public async Task<int> CreateTrainingAsync(string? jobId, ModelHyperparameters hyperparameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO model_versions (status, job_id, hyperparameters) VALUES ($1, $2, $3::jsonb) RETURNING version");
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Training });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)jobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(hyperparameters, Json) });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Marks every version still in <c>training</c> as failed and returns their Hangfire job ids. Only call it
    /// when the training lock is free (or held by the caller): then no training can really be running, and a
    /// version in <c>training</c> belongs to a process that died.
    /// </summary>
    public async Task<IReadOnlyList<(int Version, string? JobId)>> FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE model_versions SET status = $1, reason = 'training was interrupted: the process running it stopped before it finished'
            WHERE status = $2 RETURNING version, job_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Failed });
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Training });
        var failed = new List<(int, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            failed.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return failed;
    }

    public async Task MarkFailedAsync(int version, string reason)
    {
        // Not cancellable: recording why a training failed must survive the cancellation that caused it.
        await using var command = database.CreateCommand("UPDATE model_versions SET status = $1, reason = $2 WHERE version = $3 AND status = $4");
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Failed });
        command.Parameters.Add(new NpgsqlParameter { Value = Truncate(reason) });
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Training });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// Records a finished training with its blob and, when the training built them, its item indexes. A rejected one is stored as such (it can still be promoted by
    /// hand); an accepted one stays <c>training</c> until the rollout activates it.
    /// </summary>
    public async Task CompleteAsync(int version, CompletedTraining training, byte[] blob, byte[]? itemIndexes, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "INSERT INTO model_blobs (version, data, size_bytes, item_indexes) VALUES ($1, $2, $3, $4)",
            cancellationToken, version, blob, (long)blob.Length, (object?)itemIndexes ?? DBNull.Value);
        await ExecuteAsync(connection, transaction, """
            UPDATE model_versions SET status = $2, reason = $3, hyperparameters = $4::jsonb, metrics = $5::jsonb,
                   user_count = $6, item_count = $7, rating_count = $8, training_seconds = $9,
                   data_cutoff = $10, trained_at = now()
            WHERE version = $1
            """, cancellationToken,
            version,
            training.Rejection is null ? ModelStatus.Training : ModelStatus.Rejected,
            (object?)training.Rejection ?? DBNull.Value,
            JsonSerializer.Serialize(training.Hyperparameters, Json),
            JsonSerializer.Serialize(training.Metrics, Json),
            training.Users, training.Items, training.Ratings, training.Seconds, training.DataCutoff);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Announces a stored version on <see cref="NotificationChannels.ModelStored"/> so replicas preload it.</summary>
    public async Task AnnounceStoredAsync(int version, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = NotificationChannels.ModelStored });
        command.Parameters.Add(new NpgsqlParameter { Value = version.ToString(CultureInfo.InvariantCulture) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Makes a stored version the active one: a rollback or promotion of a finished version, or, with
    /// <paramref name="trained"/>, the version a training has just stored and the gate accepted.
    /// </summary>
    public async Task<ActivationResult> ActivateAsync(int version, bool trained, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, VersionsLockKey);
        var (found, status, hasBlob) = await StateAsync(connection, transaction, version, cancellationToken);
        if (!found) return ActivationResult.NotFound;
        var activatable = hasBlob && (trained ? status == ModelStatus.Training : status is not (ModelStatus.Training or ModelStatus.Failed));
        if (!activatable) return ActivationResult.NotActivatable(status, hasBlob);
        var ended = status != ModelStatus.Active ? await SwitchActiveAsync(connection, transaction, version, cancellationToken) : null;
        await transaction.CommitAsync(cancellationToken);
        return ended is null ? ActivationResult.Success : ActivationResult.Success with { EndedExperiment = ended };
    }

    /// <summary>Whether a version exists and has a blob (so it can be preloaded and activated).</summary>
    public async Task<(bool Found, string? Status, bool HasBlob)> StateAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await StateAsync(connection, null, version, cancellationToken);
    }

    /// <summary>Deletes blobs beyond the newest <paramref name="keep"/> versions, never the active one's.</summary>
    public async Task<int> PruneBlobsAsync(int keep, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, VersionsLockKey);
        await using var command = new NpgsqlCommand($"""
            DELETE FROM model_blobs WHERE version NOT IN (SELECT version FROM model_versions ORDER BY version DESC LIMIT $1)
              AND version NOT IN (SELECT version FROM model_versions WHERE status = '{ModelStatus.Active}')
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = keep });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The active version, or null.</summary>
    public Task<ModelVersionEntity?> ActiveAsync(CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {Columns} FROM model_versions WHERE status = '{ModelStatus.Active}'", null, cancellationToken);

    public Task<ModelVersionEntity?> GetAsync(int version, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {Columns} FROM model_versions WHERE version = $1", version, cancellationToken);

    /// <summary>Every version, newest first.</summary>
    public async Task<List<ModelVersionEntity>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM model_versions ORDER BY version DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ModelVersionEntity>();
        while (await reader.ReadAsync(cancellationToken)) versions.Add(Read(reader));
        return versions;
    }

    /// <summary>The status and Hangfire job of a version (the job status endpoint reads it).</summary>
    public async Task<(string Status, string? Reason)?> StatusAsync(int version, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT status, reason FROM model_versions WHERE version = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private async Task<ModelVersionEntity?> SingleAsync(string sql, int? version, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        if (version is { } v) command.Parameters.Add(new NpgsqlParameter { Value = v });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ModelVersionEntity Read(NpgsqlDataReader reader) => new()
    {
        Version = reader.GetInt32(0),
        Status = reader.GetString(1),
        Reason = reader.IsDBNull(2) ? null : reader.GetString(2),
        JobId = reader.IsDBNull(3) ? null : reader.GetString(3),
        Hyperparameters = reader.IsDBNull(4) ? "{}" : reader.GetString(4),
        Metrics = reader.IsDBNull(5) ? "{}" : reader.GetString(5),
        UserCount = reader.GetInt32(6),
        ItemCount = reader.GetInt32(7),
        RatingCount = reader.GetInt64(8),
        TrainingSeconds = reader.GetDouble(9),
        DataCutoff = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(11),
        TrainedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        ActivatedAt = reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
    };

    private static async Task<(bool Found, string? Status, bool HasBlob)> StateAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, int version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT v.status, EXISTS (SELECT 1 FROM model_blobs b WHERE b.version = v.version)
            FROM model_versions v WHERE v.version = $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = version });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (false, null, false);
        return (true, reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>Makes <paramref name="version"/> the active one; returns the experiment this ended, if one was running.</summary>
    private static async Task<EndedExperiment?> SwitchActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int version,
        CancellationToken cancellationToken)
    {
        // Demote first: the partial unique index allows one active row at any moment, even inside a transaction.
        await ExecuteAsync(connection, transaction,
            $"UPDATE model_versions SET status = '{ModelStatus.Superseded}' WHERE status = '{ModelStatus.Active}' AND version <> $1", cancellationToken, version);
        await ExecuteAsync(connection, transaction,
            $"UPDATE model_versions SET status = '{ModelStatus.Active}', reason = NULL, activated_at = now() WHERE version = $1", cancellationToken, version);
        // Delivered on commit only, to every replica's listener.
        await ExecuteAsync(connection, transaction, "SELECT pg_notify($1, $2)", cancellationToken,
            NotificationChannels.ModelChanges, version.ToString(CultureInfo.InvariantCulture));
        // A running experiment compares a version with the one active until now: the activation ends it, and says so.
        EndedExperiment? ended = null;
        await using (var end = new NpgsqlCommand(ExperimentStore.EndOnActivationSql, connection, transaction))
        {
            end.Parameters.Add(new NpgsqlParameter { Value = version });
            await using var reader = await end.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) ended = new EndedExperiment(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        }
        if (ended is not null) await ExecuteAsync(connection, transaction, ExperimentStore.NotifySql, cancellationToken);
        return ended;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];
}
