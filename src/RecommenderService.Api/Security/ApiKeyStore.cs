using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Security;

/// <summary>
/// The configured keys, held as SHA-256 digests and compared in constant time, so neither the memory
/// image nor response timing gives a key away.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly byte[][] _clientDigests;
    private readonly byte[][] _adminDigests;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        Disabled = options.Value.Disabled;
        _clientDigests = options.Value.EffectiveClientKeys.Select(Digest).ToArray();
        _adminDigests = options.Value.EffectiveAdminKeys.Select(Digest).ToArray();
    }

    public bool Disabled { get; }

    /// <summary>The role a presented key grants, or null when the key is unknown.</summary>
    public string? RoleOf(string presentedKey)
    {
        var digest = Digest(presentedKey);
        // Check every key (no early exit) so timing does not say which list matched.
        var isAdmin = MatchesAny(digest, _adminDigests);
        var isClient = MatchesAny(digest, _clientDigests);
        return isAdmin ? ApiKeyDefaults.AdminRole : isClient ? ApiKeyDefaults.ClientRole : null;
    }

    /// <summary>
    /// Whether <paramref name="digest"/> (a key's SHA-256 in base64, see <see cref="DigestOf"/>) is still one of the
    /// admin keys: a dashboard session opened with a key ends when the key is taken out of the configuration.
    /// </summary>
    public bool IsAdminDigest(string digest)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(digest, bytes, out var written) && written == bytes.Length && MatchesAny(bytes, _adminDigests);
    }

    /// <summary>The key's SHA-256 in base64: names a key without holding it.</summary>
    public static string DigestOf(string key) => Convert.ToBase64String(Digest(key));

    /// <summary>The first 8 hex digits of the key's SHA-256: enough to tell keys apart, useless to an attacker.</summary>
    public static string Fingerprint(string key) => Convert.ToHexStringLower(Digest(key), 0, 4);

    private static bool MatchesAny(byte[] digest, byte[][] candidates)
    {
        var match = false;
        foreach (var candidate in candidates)
            match |= CryptographicOperations.FixedTimeEquals(digest, candidate);
        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
