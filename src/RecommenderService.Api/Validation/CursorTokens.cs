using System.Buffers;
using System.Buffers.Text;

namespace RecommenderService.Api.Validation;

/// <summary>
/// The opaque page tokens of every listing: a version byte and a fixed-length payload, in base64url. Reading refuses
/// anything this did not write (other characters, another length, another version), so a cursor never fails further on.
/// </summary>
public static class CursorTokens
{
    private const byte Version = 1;
    private const int MaxPayload = 64;

    public static string Encode(ReadOnlySpan<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[1 + payload.Length];
        bytes[0] = Version;
        payload.CopyTo(bytes[1..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Fills <paramref name="payload"/> (its length is the one expected) from <paramref name="token"/>, or returns false.</summary>
    public static bool TryDecode(string? token, Span<byte> payload)
    {
        if (payload.Length > MaxPayload) throw new ArgumentOutOfRangeException(nameof(payload));
        var length = 1 + payload.Length;
        if (token is null || token.Length != Base64Url.GetEncodedLength(length)) return false;
        foreach (var c in token)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        Span<byte> bytes = stackalloc byte[length];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != OperationStatus.Done
            || consumed != token.Length || written != length || bytes[0] != Version)
            return false;
        bytes[1..].CopyTo(payload);
        return true;
    }
}
