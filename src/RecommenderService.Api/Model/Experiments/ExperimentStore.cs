using Npgsql;

using RecommenderService.Api.Model.Versions;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Model.Experiments;

/// <summary>
/// The owner of <c>experiments</c>: starts and stops experiments, each change announced on
/// <see cref="NotificationChannels.ExperimentChanges"/> in its transaction, so every replica's
/// <see cref="ExperimentRefresher"/> follows on commit. A start takes the versions lock that activations take, so an
/// experiment never starts against a control version that an activation is replacing.
/// </summary>
public sealed class ExperimentStore(NpgsqlDataSource database)
{
    /// <summary>The treatment is the smaller arm: at most half the users.</summary>
    public const double MaxShare = 0.5;

    private const string Columns = "id, control_version, treatment_version, share, status, end_reason, started_at, ended_at";

    /// <summary>
    /// Ends the running experiment when <c>$1</c> (a version) is activated: <c>promoted</c> when it is the treatment,
    /// <c>ended</c> otherwise (its control arm is no longer the active version). Run by <see cref="ModelVersionStore"/>
    /// in the activation's transaction, with <see cref="NotifySql"/>.
    /// </summary>
    public const string EndOnActivationSql = $"""
        UPDATE experiments SET ended_at = now(),
            status = CASE WHEN treatment_version = $1 THEN '{ExperimentStatus.Promoted}' ELSE '{ExperimentStatus.Ended}' END,
            end_reason = CASE WHEN treatment_version = $1 THEN 'promoted: its treatment, version ' || $1 || ', was activated'
                              ELSE 'version ' || $1 || ' was activated (a rollback, a promotion by hand or a new training), so the control arm changed' END
        WHERE status = '{ExperimentStatus.Running}'
        RETURNING id, status, end_reason
        """;

    /// <summary>Announces a change of experiments to every replica (delivered on commit).</summary>
    public const string NotifySql = $"SELECT pg_notify('{NotificationChannels.ExperimentChanges}', '')";

    /// <summary>Starts an experiment, or says why it cannot start.</summary>
    public async Task<(ExperimentEntity? Started, string? Problem)> StartAsync(int treatment, double share, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, ModelVersionStore.VersionsLockKey);
        int? active = null;
        string? status = null;
        var stored = false;
        await using (var read = new NpgsqlCommand("""
            SELECT (SELECT version FROM model_versions WHERE status = 'active'), v.status, EXISTS (SELECT 1 FROM model_blobs b WHERE b.version = v.version)
            FROM (SELECT 1) AS one LEFT JOIN model_versions v ON v.version = $1
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = treatment });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            active = reader.IsDBNull(0) ? null : reader.GetInt32(0);
            status = reader.IsDBNull(1) ? null : reader.GetString(1);
            stored = !reader.IsDBNull(2) && reader.GetBoolean(2);
        }
        if (status is null) return (null, $"There is no model version {treatment}.");
        if (active is null) return (null, "No model version is active: an experiment compares a stored version with the active one.");
        if (active == treatment) return (null, $"Version {treatment} is the active version: the treatment must be another one.");
        if (!stored || status is ModelStatus.Training or ModelStatus.Failed)
            return (null, $"Version {treatment} is '{status}'{(stored ? "" : " and its model is no longer stored")}: only a stored, trained version can be tried.");
        if (await RunningAsync(connection, transaction, cancellationToken) is { } running)
            return (null, $"Experiment {running.Id} is running (version {running.TreatmentVersion} against {running.ControlVersion}): stop or promote it first.");

        ExperimentEntity started;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO experiments (control_version, treatment_version, share, status) VALUES ($1, $2, $3, '{ExperimentStatus.Running}')
            RETURNING {Columns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = active.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = treatment });
            insert.Parameters.Add(new NpgsqlParameter { Value = share });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            started = Read(reader);
        }
        await ExecuteAsync(connection, transaction, NotifySql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (started, null);
    }

    /// <summary>Stops a running experiment; null when there is no such experiment, unchanged when it had ended.</summary>
    public async Task<ExperimentEntity?> StopAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            UPDATE experiments SET status = '{ExperimentStatus.Stopped}', ended_at = now(), end_reason = 'stopped by an operator'
            WHERE id = $1 AND status = '{ExperimentStatus.Running}'
            """, cancellationToken, id);
        await ExecuteAsync(connection, transaction, NotifySql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    public async Task<ExperimentEntity?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM experiments WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The newest <paramref name="limit"/> experiments, newest first.</summary>
    public async Task<List<ExperimentEntity>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM experiments ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var experiments = new List<ExperimentEntity>();
        while (await reader.ReadAsync(cancellationToken)) experiments.Add(Read(reader));
        return experiments;
    }

    /// <summary>The running experiment, if any.</summary>
    public async Task<ExperimentEntity?> RunningAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await RunningAsync(connection, null, cancellationToken);
    }

    private static async Task<ExperimentEntity?> RunningAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM experiments WHERE status = '{ExperimentStatus.Running}'", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ExperimentEntity Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        ControlVersion = reader.GetInt32(1),
        TreatmentVersion = reader.GetInt32(2),
        Share = reader.GetDouble(3),
        Status = reader.GetString(4),
        EndReason = reader.IsDBNull(5) ? null : reader.GetString(5),
        StartedAt = reader.GetFieldValue<DateTimeOffset>(6),
        EndedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken,
        params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

}
