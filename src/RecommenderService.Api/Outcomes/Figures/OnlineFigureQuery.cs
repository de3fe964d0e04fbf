using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Outcomes.Events;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// Counts lists and their outcomes in SQL: impressions joined to the events and ratings that cite them by
/// <c>recommendationId</c>, an outcome counting only for an item the list showed, each list counted once per outcome
/// type, a rating only when it reached the liked threshold. Grouped by model version, or by arm within one experiment.
/// </summary>
public sealed class OnlineFigureQuery(NpgsqlDataSource database)
{
    /// <summary>The outcome type under which liked ratings are counted.</summary>
    public const string Liked = EventTypes.Rating;

    // {0}: the filter on impressions (its parameters from $2); {1}: the group column. Both are constants of this class, never input.
    private const string Sql = """
        WITH listed AS (
            SELECT id, {1} AS g, strategy, source, items FROM impressions WHERE {0}),
        hits AS (
            SELECT DISTINCT l.id, e.type FROM listed l JOIN outcome_events e ON e.recommendation_id = l.id
            WHERE e.item_id = ANY (l.items) AND (e.type <> 'rating' OR e.value >= $1))
        SELECT l.g, l.strategy, l.source, NULL::text, count(*) FROM listed l GROUP BY 1, 2, 3
        UNION ALL
        SELECT l.g, l.strategy, l.source, h.type, count(*) FROM listed l JOIN hits h ON h.id = l.id GROUP BY 1, 2, 3, 4
        """;

    private const string WindowFilter = "served_at >= now() - make_interval(hours => $2) AND model_version IS NOT NULL";

    // The run's time range lets the BRIN index on served_at skip every other list; the slack covers replicas' clocks.
    private const string ExperimentFilter =
        "experiment_id = $2 AND arm IS NOT NULL AND served_at >= $3 - interval '1 minute' AND served_at <= coalesce($4 + interval '1 minute', 'infinity')";

    /// <summary>Per model version: the lists served in the last <paramref name="windowHours"/> hours.</summary>
    public async Task<Dictionary<int, OnlineTally>> ByVersionAsync(int windowHours, double likedThreshold, CancellationToken cancellationToken)
    {
        var tallies = new Dictionary<int, OnlineTally>();
        await ReadAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Sql, WindowFilter, "model_version"), likedThreshold,
            [new NpgsqlParameter { Value = windowHours }], reader => reader.GetInt32(0), tallies, cancellationToken);
        return tallies;
    }

    /// <summary>Per arm of one experiment, over its whole run (from <paramref name="startedAt"/> to <paramref name="endedAt"/>, or now).</summary>
    public async Task<Dictionary<string, OnlineTally>> ByArmAsync(long experimentId, DateTimeOffset startedAt, DateTimeOffset? endedAt, double likedThreshold,
        CancellationToken cancellationToken)
    {
        var tallies = new Dictionary<string, OnlineTally>(StringComparer.Ordinal);
        NpgsqlParameter[] run =
        [
            new() { Value = experimentId },
            new() { Value = startedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new() { Value = (object?)endedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
        ];
        await ReadAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Sql, ExperimentFilter, "arm"), likedThreshold, run,
            reader => reader.GetString(0), tallies, cancellationToken);
        return tallies;
    }

    private async Task ReadAsync<TKey>(string sql, double likedThreshold, NpgsqlParameter[] filter, Func<NpgsqlDataReader, TKey> key,
        Dictionary<TKey, OnlineTally> tallies, CancellationToken cancellationToken) where TKey : notnull
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = likedThreshold });
        command.Parameters.AddRange(filter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = key(reader);
            if (!tallies.TryGetValue(group, out var tally)) tallies[group] = tally = new OnlineTally();
            var (strategy, source, count) = (reader.GetString(1), reader.GetString(2), reader.GetInt64(4));
            if (reader.IsDBNull(3)) tally.AddImpressions(strategy, source, count);
            else tally.AddOutcome(strategy, source, reader.GetString(3), count);
        }
    }
}
