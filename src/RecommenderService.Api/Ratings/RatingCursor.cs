using System.Buffers.Binary;
using System.Buffers.Text;

namespace RecommenderService.Api.Ratings;

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

    /// <summary>
    /// Reads a token <see cref="Encode"/> made. Anything else (other characters, another length, a time
    /// outside what a rating can have, a negative key) is refused here, never left to fail further on.
    /// </summary>
    public static bool TryDecode(string? token, out RatingCursor cursor)
    {
        cursor = default;
        if (token is null || token.Length != EncodedLength) return false;
        foreach (var c in token)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        Span<byte> bytes = stackalloc byte[Length];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != Length || bytes[0] != Version)
            return false;
        var micros = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        var itemKey = BinaryPrimitives.ReadInt32BigEndian(bytes[9..]);
        // Compared in microseconds, before any multiplication can overflow.
        if (micros < MinMicros || micros > MaxMicros || itemKey < 0) return false;
        cursor = new RatingCursor(new DateTime(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc), itemKey);
        return true;
    }

    private static readonly int EncodedLength = Base64Url.GetEncodedLength(Length);
    private static readonly long MinMicros = -DateTime.UnixEpoch.Ticks / 10;
    private static readonly long MaxMicros = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
