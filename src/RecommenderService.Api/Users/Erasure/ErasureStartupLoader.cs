using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Users.Erasure;

/// <summary>
/// Reads the erased users before the replica takes traffic, retrying in the background while the database is not
/// reachable; until then no stored model vector is served (<see cref="ErasedUsers.MayUseStoredVector"/>).
/// </summary>
public sealed class ErasureStartupLoader(ErasedUsers erased, ILogger<ErasureStartupLoader> logger) : StartupRead(logger)
{
    protected override string What => "the erased users";
    protected override string Meanwhile => "no stored vector is served until they are read";
    protected override bool IsLoaded => erased.IsLoaded;
    protected override Task LoadAsync(CancellationToken cancellationToken) => erased.LoadAsync(cancellationToken);
}
