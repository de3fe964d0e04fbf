using Npgsql;

namespace RecommenderService.Api.Persistence;

/// <summary>
/// Runs a whole write transaction again when PostgreSQL chose it as a deadlock victim (40P01) or failed it
/// for serialization (40001): both mean "nothing happened, try again". Writers take their locks in sorted
/// order, so this is a rare safety net, not the concurrency strategy.
/// </summary>
public static class TransactionRetry
{
    public const int MaxAttempts = 5;

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> transaction, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction(cancellationToken);
            }
            catch (PostgresException exception) when (IsRetryable(exception) && attempt < MaxAttempts)
            {
                logger.LogInformation("Write transaction failed with {SqlState} (attempt {Attempt}); running it again", exception.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), cancellationToken);
            }
        }
    }

    public static bool IsRetryable(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
}
