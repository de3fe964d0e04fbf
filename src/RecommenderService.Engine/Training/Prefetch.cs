using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace RecommenderService.Engine;

/// <summary>Software prefetch hints for the SGD loops (no-ops where SSE is missing): a hint never faults or changes a result.</summary>
internal static class Prefetch
{
    /// <summary>
    /// Ratings ahead whose q_i row is requested early: the rows are random within the block's slice of Q (L2/L3), and the
    /// out-of-order window alone covers only about one rating.
    /// </summary>
    public const int Distance = 2;

    /// <summary>Every cache line of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Lines<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        // Not pinned (pinning cost ~3 % of an epoch in the per-rating hint): if the GC moves the array meanwhile, the
        // hint fetches a stale line and nothing else happens.
        var bytes = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(values));
        var length = values.Length * sizeof(T);
        for (var offset = 0; offset < length; offset += 64) Sse.Prefetch0(bytes + offset);
    }

    /// <summary>Every cache line of the <paramref name="count"/> floats from <paramref name="start"/> (a constant count
    /// keeps the hints of a factor row unrolled in the per-rating loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Floats(ref float start, int count)
    {
        if (!Sse.IsSupported) return;
        var address = (float*)Unsafe.AsPointer(ref start);
        for (var f = 0; f < count; f += 16) Sse.Prefetch0(address + f);
    }

    /// <summary>The cache line holding <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line(ref float value)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref value));
    }
}
