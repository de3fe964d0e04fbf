using RecommenderService.Api.Items.Availability;
using RecommenderService.Api.Items.Erasure;
using RecommenderService.Api.Model.Loading;

namespace RecommenderService.Api.Recommendations.Feeds;

/// <summary>
/// Which items a list may show right now: not retired (<see cref="ItemAvailability"/>, its schedule read against the
/// clock) and not erased since the served model read its data (<see cref="ErasedItems"/>). Lists skip the others
/// inside their ranking, so a page stays full; a remembered list (<see cref="RankedList"/>) is reused only while it
/// still holds.
/// </summary>
public sealed class ListableItems(ItemAvailability availability, ErasedItems erased)
{
    /// <summary>The rules of this moment, for one request.</summary>
    public Listing Now() => new(availability.Current(), erased.Heard, erased);

    /// <summary>Whether a list remembered under earlier rules is still the best list under <paramref name="now"/>.</summary>
    public static bool StillHolds(RankedList list, ServingModel serving, Listing now)
    {
        if (list.AvailabilitySequence == now.View.Sequence && list.ErasuresHeard == now.ErasuresHeard) return true;
        // An item listable again may belong in it; a retired or erased one must leave it. Anything else leaves it the best.
        if (now.View.RestoredSequence > list.AvailabilitySequence) return false;
        foreach (var entry in list.Top)
            if (!now.MayList(serving, entry.Item)) return false;
        return true;
    }
}

/// <summary>The listing rules at one moment: what is unavailable, and how many erasures this replica had heard of.</summary>
public sealed record Listing(AvailabilityView View, long ErasuresHeard, ErasedItems Erased)
{
    /// <summary>Indices in <paramref name="serving"/>'s model that no list may show.</summary>
    public int[] SkippedIn(ServingModel serving)
    {
        var unavailable = View.IndicesIn(serving.Model);
        var erased = Erased.IndicesIn(serving.Model, serving.DataCutoff);
        if (erased.Length == 0) return unavailable;
        if (unavailable.Length == 0) return erased;
        return [.. unavailable, .. erased];
    }

    /// <summary>Whether the model's item <paramref name="item"/> may be listed.</summary>
    public bool MayList(ServingModel serving, int item)
    {
        var id = serving.Model.Items[item];
        return View.IsAvailable(id) && Erased.MayServe(id, serving.DataCutoff);
    }

    /// <summary>Whether a popular list computed when <paramref name="heardAtCompute"/> erasures were known may show <paramref name="itemId"/>.</summary>
    public bool MayListPopular(string itemId, long heardAtCompute) => View.IsAvailable(itemId) && !Erased.ErasedAfter(itemId, heardAtCompute);
}
