using Microsoft.Extensions.Options;

namespace RecommenderService.Api.Privacy;

/// <summary>
/// The user-id hashes the service keeps instead of ids: in the record of erasures, and in request logs. Keyed with a
/// secret from configuration, so that a dictionary of likely ids cannot reverse them without it.
/// </summary>
public sealed class KeyedIds
{
    /// <summary>Used when no key is configured; public in the source, so it only keeps ids out of plain sight.</summary>
    internal const string BuiltInSecret = "recommender-service built-in id hash key: set Privacy:IdHashKey";

    public KeyedIds(IOptions<PrivacyOptions> options, ILogger<KeyedIds> logger)
    {
        var configured = options.Value.IdHashKey;
        IsConfigured = !string.IsNullOrEmpty(configured);
        Current = new IdHashKey(IsConfigured ? configured! : BuiltInSecret);
        // The built-in key stays recognised after a key is configured: erasures recorded under it are re-keyed.
        Keys = options.Value.PreviousIdHashKeys.Append(BuiltInSecret)
            .Select(secret => new IdHashKey(secret))
            .Prepend(Current)
            .DistinctBy(key => key.Id)
            .ToArray();
        if (!IsConfigured)
            logger.LogWarning("Privacy:IdHashKey is not set: user ids are hashed with the built-in key, which anyone with the source can use to test guessed ids");
    }

    /// <summary>Whether the key comes from configuration.</summary>
    public bool IsConfigured { get; }

    /// <summary>The key every new hash is made with.</summary>
    public IdHashKey Current { get; }

    /// <summary>Every key whose hashes are recognised: the current one first.</summary>
    public IReadOnlyList<IdHashKey> Keys { get; }

    /// <summary>A short keyed hash that stands for a user in logs: the same user gives the same key (16 hex characters).</summary>
    public string LogKey(string userId) => Convert.ToHexStringLower(Current.Hash(userId), 0, 8);
}
