namespace RecommenderService.Api.Serving;

/// <summary>Drops cached titles of items changed in any replica.</summary>
public sealed class ItemChangeHandler(ItemTitles titles) : INotificationHandler
{
    public string Channel => ItemTitles.ChangeChannel;

    public void Handle(string payload) => titles.Invalidate(payload);

    public Task ResynchroniseAsync(CancellationToken cancellationToken)
    {
        titles.Clear();
        return Task.CompletedTask;
    }
}
