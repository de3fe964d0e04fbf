using System.Security.Cryptography;
using System.Text;

namespace RecommenderService.Api.Privacy;

/// <summary>
/// One secret for hashing user ids: HMAC-SHA256 of the id's SHA-256. Hashing the SHA-256 rather than the id lets
/// erasures recorded as plain SHA-256 hashes be re-keyed without the ids they came from.
/// </summary>
public sealed class IdHashKey
{
    private readonly byte[] _secret;

    public IdHashKey(string secret)
    {
        _secret = Encoding.UTF8.GetBytes(secret);
        Id = Convert.ToHexStringLower(HMACSHA256.HashData(_secret, "recommender id hash key"u8), 0, 8);
    }

    /// <summary>Names the key in stored rows without revealing it (16 hex characters).</summary>
    public string Id { get; }

    /// <summary>The keyed hash of <paramref name="userId"/> (32 bytes).</summary>
    public byte[] Hash(string userId) => Rekey(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));

    /// <summary>The keyed hash of an id known only by its plain SHA-256.</summary>
    public byte[] Rekey(byte[] sha256) => HMACSHA256.HashData(_secret, sha256);

    /// <summary>An HMAC under this key, for <see cref="IdHasher"/>.</summary>
    internal IncrementalHash CreateHmac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);
}
