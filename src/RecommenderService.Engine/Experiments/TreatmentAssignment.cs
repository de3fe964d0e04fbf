using System.Text;

namespace RecommenderService.Engine;

/// <summary>
/// Which users an experiment serves its treatment: a hash of the user id and the experiment id, read as a number in
/// [0, 1), below the share. Sticky (the same user gets the same arm for the whole experiment, on every replica, with
/// nothing stored), independent between experiments (the experiment id is in the hash, so the same users are not the
/// treatment group every time), and a share raised mid-way only adds users.
/// </summary>
public static class TreatmentAssignment
{
    /// <summary>The user's point in [0, 1) for the experiment: FNV-1a over both ids, then a 64-bit finalising mix.</summary>
    public static double PointOf(string userId, long experimentId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var hash = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(userId) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(userId, buffer)] : Encoding.UTF8.GetBytes(userId);
        foreach (var b in bytes) hash = (hash ^ b) * 1099511628211UL;
        for (var shift = 0; shift < 64; shift += 8) hash = (hash ^ (byte)(experimentId >> shift)) * 1099511628211UL;
        // The murmur3 finaliser: nearby ids land far apart.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Whether the user gets the treatment of an experiment serving it to <paramref name="share"/> of users.</summary>
    public static bool IsTreated(string userId, long experimentId, double share) => PointOf(userId, experimentId) < share;
}
