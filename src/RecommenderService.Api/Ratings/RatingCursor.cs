using System.Buffers.Binary;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Ratings;

/// <summary>
/// Where a page of a user's ratings ended: the last rating's time and item, in the listing's order
/// (rated_at descending, then item descending). Sent to callers as an opaque token (<see cref="CursorTokens"/>): the
/// time in microseconds since the unix epoch, and the item's surrogate key.
/// </summary>
public readonly record struct RatingCursor(DateTime RatedAt, int ItemKey)
{
    private const int Length = sizeof(long) + sizeof(int);
    private static readonly long MinMicros = -DateTime.UnixEpoch.Ticks / 10;
    private static readonly long MaxMicros = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public string Encode()
    {
        Span<byte> payload = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(payload, (RatedAt.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        BinaryPrimitives.WriteInt32BigEndian(payload[8..], ItemKey);
        return CursorTokens.Encode(payload);
    }

    /// <summary>
    /// Reads a token <see cref="Encode"/> made. Anything else (a time outside what a rating can have, a negative key
    /// included) is refused here, never left to fail further on.
    /// </summary>
    public static bool TryDecode(string? token, out RatingCursor cursor)
    {
        cursor = default;
        Span<byte> payload = stackalloc byte[Length];
        if (!CursorTokens.TryDecode(token, payload)) return false;
        var micros = BinaryPrimitives.ReadInt64BigEndian(payload);
        var itemKey = BinaryPrimitives.ReadInt32BigEndian(payload[8..]);
        // Compared in microseconds, before any multiplication can overflow.
        if (micros < MinMicros || micros > MaxMicros || itemKey < 0) return false;
        cursor = new RatingCursor(new DateTime(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc), itemKey);
        return true;
    }
}
