using Npgsql;

namespace RecommenderService.Api.Notifications;

/// <summary>
/// Holds one connection that LISTENs on the channels of the registered <see cref="INotificationHandler"/>s
/// and hands every notice to its handler. If the connection drops, notices may have been missed, so
/// every handler is told to resynchronise before listening resumes.
/// </summary>
public sealed class PostgresNotificationListener(
    NpgsqlDataSource database,
    IEnumerable<INotificationHandler> handlers,
    ILogger<PostgresNotificationListener> logger) : BackgroundService
{
    private readonly Dictionary<string, INotificationHandler> _handlers = handlers.ToDictionary(h => h.Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var firstConnection = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notice) => Dispatch(notice.Channel, notice.Payload);
                foreach (var channel in _handlers.Keys)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (!firstConnection)
                {
                    logger.LogInformation("Notification listener reconnected; resynchronising {Channels}", _handlers.Keys);
                    foreach (var handler in _handlers.Values) await handler.ResynchroniseAsync(stoppingToken);
                }
                firstConnection = false;
                delay = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                firstConnection = false;
                logger.LogWarning("Notification listener lost its connection ({Error}); retrying in {DelayMs} ms", ex.Message, delay.TotalMilliseconds);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    private void Dispatch(string channel, string payload)
    {
        if (!_handlers.TryGetValue(channel, out var handler)) return;
        try
        {
            handler.Handle(payload);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Handler for {Channel} failed on {Payload}", channel, payload);
        }
    }
}
