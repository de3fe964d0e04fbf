using System.Buffers.Binary;
using System.Buffers.Text;

namespace RecommenderService.Api.Items;

/// <summary>
/// Where a page of retired items ended: the last item's surrogate key, in the listing's order. Sent to callers as an
/// opaque base64url token: a version byte and the key.
/// </summary>
public readonly record struct ItemCursor(int ItemKey)
{
    private const byte Version = 1;
    private const int Length = 1 + sizeof(int);
    private static readonly int EncodedLength = Base64Url.GetEncodedLength(Length);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(bytes[1..], ItemKey);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token <see cref="Encode"/> made; anything else is refused here.</summary>
    public static bool TryDecode(string? token, out ItemCursor cursor)
    {
        cursor = default;
        if (token is null || token.Length != EncodedLength) return false;
        foreach (var c in token)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        Span<byte> bytes = stackalloc byte[Length];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != Length || bytes[0] != Version)
            return false;
        var key = BinaryPrimitives.ReadInt32BigEndian(bytes[1..]);
        if (key < 0) return false;
        cursor = new ItemCursor(key);
        return true;
    }
}
