using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Persistence.Entities;

using RecommenderService.Api.Serving;
using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Lifecycle;

/// <summary>
/// The <c>model_versions</c> and <c>model_blobs</c> rows of the lifecycle: a version is created when its
/// training starts, completed (active or rejected) or failed when it ends, and activation switches the
/// active version in one transaction and announces it on <see cref="ModelChangeChannel"/>.
/// </summary>
public sealed class ModelVersionStore(NpgsqlDataSource database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<int> CreateTrainingAsync(string? jobId, object hyperparameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO model_versions (status, job_id, hyperparameters) VALUES ($1, $2, $3::jsonb) RETURNING version");
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Training });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)jobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(hyperparameters, Json) });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Versions left in <c>training</c> by a process that died. Called while holding the training lock,
    /// so no training can really be running.
    /// </summary>
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE model_versions SET status = $1, reason = 'training was interrupted (the process stopped before it finished)' WHERE status = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Failed });
        command.Parameters.Add(new NpgsqlParameter { Value = ModelStatus.Training });
        return await command.ExecuteNonQueryAsync(cancellationToken);
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

    /// <summary>The active version's recorded holdout RMSE, if a version is active.</summary>
    public async Task<double?> ActiveRmseAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT (metrics ->> 'rmse')::float8 FROM model_versions WHERE status = '{ModelStatus.Active}'");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is double rmse ? rmse : null;
    }

    /// <summary>
    /// Records a finished training with its blob. A rejected one is stored as such (it can still be promoted
    /// by hand); an accepted one stays <c>training</c> until <see cref="ActivateTrainedAsync"/>, and its
    /// storage is announced on <see cref="ModelChangeChannel.Stored"/> so replicas load it ahead of time.
    /// </summary>
    public async Task CompleteAsync(int version, TrainingOutcome outcome, DateTimeOffset dataCutoff, byte[] blob,
        double totalSeconds, string? rejection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "INSERT INTO model_blobs (version, data, size_bytes) VALUES ($1, $2, $3)",
            cancellationToken, version, blob, (long)blob.Length);
        await ExecuteAsync(connection, transaction, """
            UPDATE model_versions SET status = $2, reason = $3, hyperparameters = $4::jsonb, metrics = $5::jsonb,
                   user_count = $6, item_count = $7, rating_count = $8, training_seconds = $9,
                   data_cutoff = $10, trained_at = now()
            WHERE version = $1
            """, cancellationToken,
            version,
            rejection is null ? ModelStatus.Training : ModelStatus.Rejected,
            (object?)rejection ?? DBNull.Value,
            JsonSerializer.Serialize(Hyperparameters(outcome), Json),
            JsonSerializer.Serialize(Metrics(outcome), Json),
            outcome.Model.Users.Count, outcome.Model.Items.Count, (long)outcome.RatingCount, totalSeconds, dataCutoff);
        if (rejection is null)
            await ExecuteAsync(connection, transaction, "SELECT pg_notify($1, $2)", cancellationToken,
                ModelChangeChannel.Stored, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Announces a stored version on <see cref="ModelChangeChannel.Stored"/> so replicas preload it.</summary>
    public async Task AnnounceStoredAsync(int version, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = ModelChangeChannel.Stored });
        command.Parameters.Add(new NpgsqlParameter { Value = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Activates a version its training has just stored and the gate accepted.</summary>
    public async Task ActivateTrainedAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SwitchActiveAsync(connection, transaction, version, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Makes a stored version the active one (rollback or promotion).</summary>
    public async Task<ActivationResult> ActivateAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? status;
        bool hasBlob;
        await using (var command = new NpgsqlCommand("""
            SELECT v.status, EXISTS (SELECT 1 FROM model_blobs b WHERE b.version = v.version)
            FROM model_versions v WHERE v.version = $1 FOR UPDATE
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = version });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return ActivationResult.NotFound;
            status = reader.GetString(0);
            hasBlob = reader.GetBoolean(1);
        }
        if (status is ModelStatus.Training or ModelStatus.Failed || !hasBlob) return ActivationResult.NotActivatable(status, hasBlob);
        if (status != ModelStatus.Active) await SwitchActiveAsync(connection, transaction, version, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ActivationResult.Success;
    }

    /// <summary>Deletes blobs beyond the newest <paramref name="keep"/> versions, never the active one's.</summary>
    public async Task<int> PruneBlobsAsync(int keep, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            DELETE FROM model_blobs WHERE version NOT IN (SELECT version FROM model_versions ORDER BY version DESC LIMIT $1)
              AND version NOT IN (SELECT version FROM model_versions WHERE status = '{ModelStatus.Active}')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = keep });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task SwitchActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int version, CancellationToken cancellationToken)
    {
        // Demote first: the partial unique index allows one active row at any moment, even inside a transaction.
        await ExecuteAsync(connection, transaction,
            $"UPDATE model_versions SET status = '{ModelStatus.Superseded}' WHERE status = '{ModelStatus.Active}' AND version <> $1", cancellationToken, version);
        await ExecuteAsync(connection, transaction,
            $"UPDATE model_versions SET status = '{ModelStatus.Active}', reason = NULL, activated_at = now() WHERE version = $1", cancellationToken, version);
        // Delivered on commit only, to every replica's listener.
        await ExecuteAsync(connection, transaction, "SELECT pg_notify($1, $2)", cancellationToken,
            ModelChangeChannel.Name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static object Hyperparameters(TrainingOutcome outcome) => new
    {
        factors = outcome.Options.Factors,
        learningRate = outcome.Options.LearningRate,
        regularization = outcome.Options.Regularization,
        biasRegularization = outcome.Options.BiasRegularization,
        epochs = outcome.Options.Epochs,
        bestEpoch = outcome.BestEpoch,
        initStdDev = outcome.Options.InitStdDev,
        seed = outcome.Options.Seed,
        ranking = outcome.Ranking is null ? null : new
        {
            factors = outcome.Ranking.Factors,
            iterations = outcome.Ranking.Iterations,
            regularization = outcome.Ranking.Regularization,
            alpha = outcome.Ranking.Alpha,
            weighting = outcome.Ranking.Weighting.ToString(),
        },
    };

    private static object Metrics(TrainingOutcome outcome) => new
    {
        rmse = outcome.Metrics.Rmse,
        mae = outcome.Metrics.Mae,
        precisionAt10 = outcome.Metrics.PrecisionAt10,
        recallAt10 = outcome.Metrics.RecallAt10,
        ndcgAt10 = outcome.Metrics.NdcgAt10,
        baselineRmse = outcome.Metrics.BaselineRmse,
        popularityPrecisionAt10 = outcome.Metrics.PopularityPrecisionAt10,
        popularityNdcgAt10 = outcome.Metrics.PopularityNdcgAt10,
        holdoutRatings = outcome.Metrics.HoldoutRatings,
        rankingUsers = outcome.Metrics.RankingUsers,
        timings = outcome.Timings,
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];
}

/// <summary>Result of <see cref="ModelVersionStore.ActivateAsync"/>.</summary>
public sealed record ActivationResult(bool Found, bool Activated, string? Problem)
{
    public static ActivationResult NotFound { get; } = new(false, false, null);
    public static ActivationResult Success { get; } = new(true, true, null);

    public static ActivationResult NotActivatable(string? status, bool hasBlob) => new(true, false,
        !hasBlob && status is not (ModelStatus.Training or ModelStatus.Failed)
            ? "Its stored model was deleted by the retention policy (Training:KeepVersions)."
            : $"It is '{status}': only a stored, trained version can be activated.");
}
