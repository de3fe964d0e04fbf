using RecommenderService.Api.Infrastructure;

namespace RecommenderService.Api.Items.Erasure;

/// <summary>Reads the erased items before the replica takes traffic, retrying in the background while the database is not reachable.</summary>
public sealed class ErasedItemsStartupLoader(ErasedItems erased, ILogger<ErasedItemsStartupLoader> logger) : StartupRead(logger)
{
    protected override string What => "the erased items";
    protected override string Meanwhile => "trying again";
    protected override bool IsLoaded => erased.IsLoaded;
    protected override Task LoadAsync(CancellationToken cancellationToken) => erased.LoadAsync(cancellationToken);
}
