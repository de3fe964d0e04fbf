using Npgsql;
using NpgsqlTypes;

namespace RecommenderService.Api.Outcomes.Events;

/// <summary>Stores a validated event batch in one statement: all of it or, on any failure, none.</summary>
public sealed class EventWriter(NpgsqlDataSource database, OutcomeMetrics metrics)
{
    /// <summary>The insert that <see cref="RecommenderService.Api.Ratings.RatingWriter"/> also runs, in the rating's transaction.</summary>
    public const string InsertSql = """
        INSERT INTO outcome_events (user_id, item_id, type, value, recommendation_id, occurred_at)
        SELECT u, i, t, v, r, coalesce(o, now())
        FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::uuid[], $6::timestamptz[]) AS x(u, i, t, v, r, o)
        """;

    public async Task<int> StoreAsync(IReadOnlyList<OutcomeEvent> events, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(InsertSql);
        command.Parameters.AddRange(Parameters(events));
        var stored = await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var group in events.GroupBy(e => e.Type, StringComparer.Ordinal)) metrics.EventsStored(group.Key, group.Count());
        return stored;
    }

    /// <summary>The six array parameters of <see cref="InsertSql"/>.</summary>
    public static NpgsqlParameter[] Parameters(IReadOnlyList<OutcomeEvent> events)
    {
        var users = new string[events.Count];
        var items = new string[events.Count];
        var types = new string[events.Count];
        var values = new double?[events.Count];
        var ids = new Guid?[events.Count];
        var times = new DateTime?[events.Count];
        for (var k = 0; k < events.Count; k++)
            (users[k], items[k], types[k], times[k], ids[k], values[k]) = events[k];
        return
        [
            new NpgsqlParameter { Value = users, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = items, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double },
            new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
            new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
        ];
    }
}
