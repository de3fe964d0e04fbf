namespace RecommenderService.Api.Model.Loading;

/// <summary>
/// The one reference through which every request reads the active model. A swap is a single reference
/// assignment: a request that has read <see cref="Current"/> keeps a consistent model for its whole life,
/// the next request sees the new one, and nobody waits on a lock.
/// </summary>
public sealed class ModelHolder
{
    private ServingModel? _current;

    /// <summary>The active model, or null while none is active (popularity only).</summary>
    public ServingModel? Current => Volatile.Read(ref _current);

    private ServingModel? _standby;

    /// <summary>
    /// A model loaded ahead of its activation (or the one just replaced, for an instant rollback), so
    /// that an activation of it is only a reference swap.
    /// </summary>
    public ServingModel? Standby
    {
        get => Volatile.Read(ref _standby);
        set
        {
            Volatile.Write(ref _standby, value);
            Changed?.Invoke();
        }
    }

    /// <summary>Whether the latest swap came from the standby slot (a preloaded model) rather than a fresh load.</summary>
    public bool LastSwapFromStandby { get; set; }

    /// <summary>Raised after every swap, with the new model (or null).</summary>
    public event Action<ServingModel?>? Swapped;

    /// <summary>Raised after a swap or a change of the standby slot (the replica registry reports it).</summary>
    public event Action? Changed;

    /// <summary>Makes <paramref name="model"/> the active model and returns the one it replaced.</summary>
    public ServingModel? Swap(ServingModel? model)
    {
        var previous = Interlocked.Exchange(ref _current, model);
        Swapped?.Invoke(model);
        Changed?.Invoke();
        return previous;
    }
}
