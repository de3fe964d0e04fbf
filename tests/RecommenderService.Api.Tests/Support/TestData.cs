using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// Arranges state straight in PostgreSQL (ratings, a trained active model) for tests about serving: the
/// set-up is not what those tests examine, so it does not go through the routes under test.
/// </summary>
public static class TestData
{
    /// <summary>A small rating set with planted low-rank structure (the engine's generator).</summary>
    public static RatingSet PlantedRatings(int users = 80, int items = 60, int ratings = 2400, int seed = 3) =>
        SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = users, Items = items, Ratings = ratings, Seed = seed });

    /// <summary>
    /// Ratings whose choices follow taste, not just popularity: users and items fall into clusters, users
    /// mostly rate (and rate highly) items of their own cluster. Both a rating model and a ranking model
    /// beat their baselines here, so a retrain on it passes the quality gate. User ids are "1", "2", ...
    /// </summary>
    public static RatingSet ClusteredRatings(int users = 150, int items = 120, int clusters = 5, int perUser = 24, int seed = 9, DateTimeOffset? from = null)
    {
        var random = new Random(seed);
        var builder = new RatingSetBuilder(users * perUser);
        var start = (from ?? new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToUnixTimeSeconds();
        for (var u = 0; u < users; u++)
        {
            var cluster = u % clusters;
            var chosen = new HashSet<int>();
            while (chosen.Count < perUser)
            {
                var own = random.NextDouble() < 0.65;
                var item = own ? cluster + clusters * random.Next(items / clusters) : random.Next(items);
                if (!chosen.Add(item)) continue;
                var liked = item % clusters == cluster;
                var value = Math.Clamp((liked ? 4.3 : 2.2) + (random.NextDouble() - 0.5) * 1.6, 1, 5);
                builder.Add((u + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"item-{item}",
                    (float)Math.Round(value), start + random.Next(0, 90 * 86_400));
            }
        }
        return builder.Build();
    }

    /// <summary>
    /// The catalogue attributes of an item of <see cref="ClusteredRatings"/> ("item-7" is in cluster 7 % 5 = 2): its
    /// cluster as a genre, which is what its taste profile follows, and a year, which says nothing about it.
    /// </summary>
    public static string ClusteredItemAttributes(int cluster, int seed) =>
        $$"""{"genres": ["Genre{{cluster}}"], "year": {{1990 + seed % 7}}}""";

    /// <summary>The cluster of a <see cref="ClusteredRatings"/> item id ("item-7" → 2).</summary>
    public static int ClusterOf(string itemId, int clusters = 5) => int.Parse(itemId["item-".Length..], System.Globalization.CultureInfo.InvariantCulture) % clusters;

    /// <summary>Sets the <c>attributes</c> JSON of existing items (set-up straight in the database, as ratings are).</summary>
    public static async Task SetItemAttributesAsync(string connectionString, IReadOnlyDictionary<string, string> attributes)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction,
            "UPDATE items SET attributes = x.a::jsonb FROM unnest($1::text[], $2::text[]) AS x(i, a) WHERE items.external_id = x.i",
            attributes.Keys.ToArray(), attributes.Values.ToArray());
        await transaction.CommitAsync();
    }

    /// <summary>A deterministic model of <paramref name="ratings"/> (one thread, fixed seed).</summary>
    public static FactorModel Train(RatingSet ratings, int factors = 8, int epochs = 40) =>
        new SgdTrainer(new TrainingOptions { Factors = factors, Epochs = epochs, Threads = 1, Seed = 7 }).Train(ratings).Model;

    /// <summary>
    /// Writes <paramref name="ratings"/> (each at its own time when it has one, else at
    /// <paramref name="ratedAt"/>); their users count as having last rated at <paramref name="ratedAt"/>.
    /// </summary>
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
            SELECT u.id, i.id, x.v, CASE WHEN x.t > 0 THEN to_timestamp(x.t) ELSE $4 END
            FROM unnest($1::text[], $2::text[], $3::real[], $5::bigint[]) AS x(u, i, v, t)
            JOIN users u ON u.external_id = x.u JOIN items i ON i.external_id = x.i
            ON CONFLICT (user_id, item_id) DO UPDATE SET value = excluded.value
            """, users, items, ratings.Value, ratedAt, ratings.Time);
        await transaction.CommitAsync();
    }

    /// <summary>Stores <paramref name="model"/> as a new version and makes it the active one.</summary>
    public static async Task<int> StoreActiveModelAsync(string connectionString, FactorModel model, DateTimeOffset dataCutoff, byte[]? blobOverride = null,
        string metrics = """{"rmse": 0.9}""")
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
            VALUES ('active', '{"factors": 8}', $4::jsonb, $1, $2, 0, 0.1, $3, $3, now()) RETURNING version
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Users.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Items.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = dataCutoff });
            insert.Parameters.Add(new NpgsqlParameter { Value = metrics });
            version = (int)(await insert.ExecuteScalarAsync())!;
        }
        await ExecuteAsync(connection, transaction, "INSERT INTO model_blobs (version, data, size_bytes) VALUES ($1, $2, $3)", version, blob, (long)blob.Length);
        await transaction.CommitAsync();
        return version;
    }

    /// <summary>Stores <paramref name="model"/> as a new version with <paramref name="status"/> (not active), as a rollback target is.</summary>
    public static async Task<int> StoreVersionAsync(string connectionString, FactorModel model, string status, string metrics = """{"rmse": 0.9}""")
    {
        using var stream = new MemoryStream();
        ModelSerializer.Write(model, stream);
        var blob = stream.ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        int version;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO model_versions (status, hyperparameters, metrics, user_count, item_count, rating_count, training_seconds, data_cutoff, trained_at)
            VALUES ($1, '{"factors": 8}', $4::jsonb, $2, $3, 0, 0.1, now(), now()) RETURNING version
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = status });
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Users.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = model.Items.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = metrics });
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
