namespace RecommenderService.Api.Items;

/// <summary>
/// Follows catalogue changes on this replica: the served model's untrained items, derived from their attributes, listen
/// here (the catalogue announces and knows nothing of models).
/// </summary>
public interface IItemChangeListener
{
    /// <summary>An item's attributes, availability or existence changed (here or, through the notice, on another replica).</summary>
    void ItemChanged(string itemId);

    /// <summary>Notices may have been missed (the listener reconnected): start over from the catalogue.</summary>
    void Resynchronise();
}
