using System.Buffers.Binary;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Items;

/// <summary>
/// Where a page of retired items ended: the last item's surrogate key, in the listing's order. Sent to callers as an
/// opaque token (<see cref="CursorTokens"/>).
/// </summary>
public readonly record struct ItemCursor(int ItemKey)
{
    public string Encode()
    {
        Span<byte> payload = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(payload, ItemKey);
        return CursorTokens.Encode(payload);
    }

    /// <summary>Reads a token <see cref="Encode"/> made; anything else (a negative key included) is refused here.</summary>
    public static bool TryDecode(string? token, out ItemCursor cursor)
    {
        cursor = default;
        Span<byte> payload = stackalloc byte[sizeof(int)];
        if (!CursorTokens.TryDecode(token, payload)) return false;
        var key = BinaryPrimitives.ReadInt32BigEndian(payload);
        if (key < 0) return false;
        cursor = new ItemCursor(key);
        return true;
    }
}
