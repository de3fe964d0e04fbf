using System.Runtime.CompilerServices;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// The item ids of an <see cref="Impression"/>, best first. A list of up to <see cref="ListLimits.DefaultCount"/> items
/// is held inside the struct, so a queued impression brings no array of its own into the queue (the ids are the model's
/// strings, alive anyway); a longer list keeps the array it was served from.
/// </summary>
public readonly struct ListedItems
{
    private readonly Inline _inline;
    private readonly string[]? _longer;

    private ListedItems(string[] items)
    {
        Count = items.Length;
        if (items.Length > ListLimits.DefaultCount) _longer = items;
        else items.CopyTo(_inline);
    }

    public int Count { get; }

    public static ListedItems Of(string[] items) => new(items);

    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _longer is null ? _inline[index] : _longer[index];
        }
    }

    [InlineArray(ListLimits.DefaultCount)]
    private struct Inline
    {
        private string _first;
    }
}
