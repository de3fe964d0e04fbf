using System.Text;
using System.Text.Json;

namespace RecommenderService.Api.Notifications;

/// <summary>
/// The PostgreSQL NOTIFY channel on which every write of ratings announces whose ratings changed, so every
/// replica drops its cached view of exactly those users (rated items, folded-in vector) the moment the
/// write commits.
/// </summary>
/// <remarks>
/// A notice is a JSON array of the users' external ids, e.g. <c>["42","*"]</c>. Every payload decodes to
/// exactly the ids it lists: there is no sentinel, so no user id (not <c>*</c>, not one that looks like
/// JSON) can make a replica drop anybody else. A write touching many users sends several notices, each
/// under PostgreSQL's 8000-byte payload limit, rather than "drop everyone": a 10,000-user batch is
/// ~15 notices and drops 10,000 entries, not every replica's whole cache.
/// External ids rather than the internal integer ids: the cache is keyed by external id (it also holds
/// "unknown user" entries, which have no internal id), so a notice names cache keys directly and no
/// replica has to keep a second map in step with the cache's evictions.
/// Writers send them with <c>SELECT pg_notify('rating_changes', p) FROM unnest($1::text[]) p</c> inside
/// the writing transaction: PostgreSQL delivers them only on commit, so a listener never drops users for
/// a write that rolled back.
/// </remarks>
public static class RatingChangeChannel
{
    public const string Name = NotificationChannels.RatingChanges;

    /// <summary>Room under PostgreSQL's 8000-byte payload limit (the limit counts bytes of the server encoding, UTF-8 here).</summary>
    public const int MaxPayloadBytes = 7900;

    /// <summary>The SQL that sends one notice per element of the text[] parameter <c>$1</c>.</summary>
    public const string NotifySql = $"SELECT pg_notify('{Name}', p) FROM unnest($1::text[]) AS p";

    /// <summary>The notices that name <paramref name="userIds"/>: as few as fit, each at most <see cref="MaxPayloadBytes"/>.</summary>
    public static string[] Encode(IEnumerable<string> userIds)
    {
        var payloads = new List<string>();
        var notice = new StringBuilder(MaxPayloadBytes);
        foreach (var id in userIds)
        {
            // The default encoder escapes every non-ASCII character, so a literal's length is its size in bytes
            // (at most 6 per UTF-16 unit: a 128-character id fits many times over).
            var literal = JsonSerializer.Serialize(id);
            if (notice.Length > 0 && notice.Length + 1 + literal.Length + 1 > MaxPayloadBytes)
            {
                payloads.Add(notice.Append(']').ToString());
                notice.Clear();
            }
            notice.Append(notice.Length == 0 ? '[' : ',').Append(literal);
        }
        if (notice.Length > 0) payloads.Add(notice.Append(']').ToString());
        return payloads.ToArray();
    }

    /// <summary>The user ids a notice names; false for a payload that is not a JSON array of strings.</summary>
    public static bool TryDecode(string payload, out string[] userIds)
    {
        userIds = [];
        try
        {
            var ids = JsonSerializer.Deserialize<string[]>(payload);
            if (ids is null || Array.IndexOf(ids, null) >= 0) return false;
            userIds = ids;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
