using Npgsql;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Infrastructure;

/// <summary>
/// Arranges state straight in PostgreSQL (ratings, a trained active model) for tests about serving: the
/// set-up is not what those tests examine, so it does not go through the routes under test.
/// </summary>
public static class TestData
{
    /// <summary>A small rating set with planted low-rank structure (the engine's generator).</summary>
    public static RatingSet PlantedRatings(int users = 80, int items = 60, int ratings = 2400, int seed = 3) =>
        SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = users, Items = items, Ratings = ratings, Seed = seed });

    /// <summary>A deterministic model of <paramref name="ratings"/> (one thread, fixed seed).</summary>
    public static FactorModel Train(RatingSet ratings, int factors = 8, int epochs = 40) =>
        new SgdTrainer(new TrainingOptions { Factors = factors, Epochs = epochs, Threads = 1, Seed = 7 }).Train(ratings).Model;

    public static async Task InsertRatingsAsync(string connectionString, RatingSet ratings, DateTimeOffset ratedAt)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var users = new string[ratings.Count];
        var items = new string[ratings.Count];
        for (var r = 0; r < ratings.Count; r++)
        {
            users[r] = ratings.Users[ratings.User[r]];
            items[r] = ratings.Items[ratings.Item[r]];
        }
        await ExecuteAsync(connection, transaction,
            "INSERT INTO users (external_id, ratings_changed_at) SELECT DISTINCT u, $2 FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING",
            users, ratedAt);
        await ExecuteAsync(connection, transaction,
            "INSERT INTO items (external_id) SELECT DISTINCT i FROM unnest($1::text[]) AS i ON CONFLICT DO NOTHING", (object)items);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO ratings (user_id, item_id, value, rated_at)
            SELECT u.id, i.id, x.v, $4
            FROM unnest($1::text[], $2::text[], $3::real[]) AS x(u, i, v)
            JOIN users u ON u.external_id = x.u JOIN items i ON i.external_id = x.i
            ON CONFLICT (user_id, item_id) DO UPDATE SET value = excluded.value
            """, users, items, ratings.Value, ratedAt);
        await transaction.CommitAsync();
    }

    /// <summary>Stores <paramref name="model"/> as a new version and makes it the active one.</summary>
    public static async Task<int> StoreActiveModelAsync(string connectionString, FactorModel model, DateTimeOffset dataCutoff, byte[]? blobOverride = null)
    {
        using var stream = new MemoryStream();
        ModelSerializer.Write(model, stream);
        var blob = blobOverride ?? stream.ToArray();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, "UPDATE model_versions SET status = 'superseded' WHERE status = 'active'");
        int version;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO model_versions (status, hyperparameters, metrics, user_count, item_count, rating_count, training_seconds, data_cutoff, trained_at, activated_at)
            VALUES ('active', '{"factors": 8}', '{"rmse": 0.9}', $1, $2, 0, 0.1, $3, $3, now()) RETURNING version
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Users.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Items.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = dataCutoff });
            version = (int)(await insert.ExecuteScalarAsync())!;
        }
        await ExecuteAsync(connection, transaction, "INSERT INTO model_blobs (version, data, size_bytes) VALUES ($1, $2, $3)", version, blob, (long)blob.Length);
        await transaction.CommitAsync();
        return version;
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await command.ExecuteNonQueryAsync();
    }
}
