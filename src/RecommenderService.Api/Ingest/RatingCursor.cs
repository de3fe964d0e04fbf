using System.Buffers.Binary;
using System.Buffers.Text;

namespace RecommenderService.Api.Ingest;

/// <summary>
/// Where a page of a user's ratings ended: the last rating's time and item, in the listing's order
/// (rated_at descending, then item descending). Sent to callers as an opaque base64url token: a version
/// byte, the time in microseconds since the unix epoch, and the item's surrogate key.
/// </summary>
public readonly record struct RatingCursor(DateTime RatedAt, int ItemKey)
{
    private const byte Version = 1;
    private const int Length = 1 + sizeof(long) + sizeof(int);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], (RatedAt.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        BinaryPrimitives.WriteInt32BigEndian(bytes[9..], ItemKey);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? token, out RatingCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(token) || token.Length > 64) return false;
        Span<byte> bytes = stackalloc byte[48];
        if (!Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != Length || bytes[0] != Version)
            return false;
        var micros = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        var itemKey = BinaryPrimitives.ReadInt32BigEndian(bytes[9..]);
        var ticks = DateTime.UnixEpoch.Ticks + micros * 10;
        if (micros < -DateTime.UnixEpoch.Ticks / 10 || ticks > DateTime.MaxValue.Ticks || itemKey < 0) return false;
        cursor = new RatingCursor(new DateTime(ticks, DateTimeKind.Utc), itemKey);
        return true;
    }
}
