using Microsoft.Extensions.Options;

using Npgsql;

using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Outcomes.Events;

namespace RecommenderService.Api.Outcomes.Figures;

/// <summary>
/// The online figures of every model version, computed in SQL (<see cref="OnlineFigureQuery"/>) at most every
/// <see cref="OutcomeOptions.FiguresCacheSeconds"/> and shared by every reader in between (one computation at a time);
/// each computation also refreshes the gauges of the active and the previous version (<see cref="OnlineMetrics"/>).
/// </summary>
public sealed class OnlineFiguresCache(
    OnlineFigureQuery query, NpgsqlDataSource database, LikedCountThreshold liked, OnlineMetrics metrics,
    IOptions<OutcomeOptions> options, IOptions<EventOptions> events, TimeProvider clock) : IOnlineGauges
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, IReadOnlyDictionary<int, OnlineFigures> Figures)? _last;

    /// <summary>The figures of every version with lists in the window.</summary>
    public Task RefreshGaugesAsync(CancellationToken cancellationToken) => ByVersionAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<int, OnlineFigures>> ByVersionAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh) return fresh;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } computed) return computed;
            var window = options.Value.WindowHours;
            var tallies = await query.ByVersionAsync(window, Threshold, cancellationToken);
            var figures = tallies.ToDictionary(t => t.Key, t => t.Value.ToFigures(window, events.Value.Accepted, EventTypes.Click, OnlineFigureQuery.Liked));
            var (active, previous) = await ActiveAndPreviousAsync(cancellationToken);
            metrics.Update(active is { } a ? figures.GetValueOrDefault(a) : null, previous is { } p ? figures.GetValueOrDefault(p) : null);
            _last = (clock.GetUtcNow(), figures);
            return figures;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A version's figures from <paramref name="all"/>, or the figures of no lists at all.</summary>
    public OnlineFigures For(IReadOnlyDictionary<int, OnlineFigures> all, int version) =>
        all.TryGetValue(version, out var figures) ? figures : new OnlineTally().ToFigures(options.Value.WindowHours, events.Value.Accepted, EventTypes.Click, OnlineFigureQuery.Liked);

    /// <summary>The liked threshold as ratings are stored (real), so 4 compares equal to a stored 4.</summary>
    public double Threshold => (float)liked.Threshold;

    private IReadOnlyDictionary<int, OnlineFigures>? Fresh() =>
        _last is { } last && clock.GetUtcNow() - last.At < TimeSpan.FromSeconds(options.Value.FiguresCacheSeconds) ? last.Figures : null;

    private async Task<(int? Active, int? Previous)> ActiveAndPreviousAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT (SELECT version FROM model_versions WHERE status = 'active'),
                   (SELECT version FROM model_versions WHERE status = 'superseded' ORDER BY activated_at DESC NULLS LAST, version DESC LIMIT 1)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1));
    }
}
