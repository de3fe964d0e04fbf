using System.Security.Cryptography;
using System.Text;

namespace RecommenderService.Api.Privacy;

/// <summary>
/// The keyed hashes of <see cref="IdHashKey.Hash"/> for one caller hashing many ids in turn: the HMAC's key is set up
/// once rather than per id (half the cost of a hash) and nothing is allocated per id. Not thread-safe.
/// </summary>
public sealed class IdHasher(IdHashKey key) : IDisposable
{
    public const int HashLength = 32;

    // UTF-8 of an id up to this long is encoded on the stack; every id the service accepts fits.
    private const int StackBytes = 512;

    private readonly IncrementalHash _hmac = key.CreateHmac();

    /// <summary>Writes the keyed hash of <paramref name="userId"/> to the first <see cref="HashLength"/> bytes of <paramref name="destination"/>.</summary>
    public void Hash(string userId, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetMaxByteCount(userId.Length);
        Span<byte> utf8 = length <= StackBytes ? stackalloc byte[StackBytes] : new byte[length];
        Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(userId, utf8)], sha256);
        _hmac.AppendData(sha256);
        _hmac.GetHashAndReset(destination);
    }

    public void Dispose() => _hmac.Dispose();
}
