using Microsoft.Extensions.Caching.Memory;
using Prometheus;

namespace RecommenderService.Api.Observability;

/// <summary>
/// Whether the per-replica caches work: the user-ratings cache (hits, misses, evictions by reason, size)
/// and the remembered last list per user view (hits and misses).
/// </summary>
public sealed class CacheMetrics
{
    private readonly Counter _userRequests;
    private readonly Counter _userEvictions;
    private readonly Gauge _userEntries;
    private readonly Counter _listRequests;
    private Func<long>? _userCount;

    public CacheMetrics(MetricsRegistry registry)
    {
        var factory = registry.Factory;
        _userRequests = factory.CreateCounter("recommender_user_cache_requests_total",
            "Look-ups in the user-ratings cache, by result (hit, miss).", ["result"]);
        _userEvictions = factory.CreateCounter("recommender_user_cache_evictions_total",
            "Entries dropped from the user-ratings cache, by reason (capacity: the cache was full; invalidated: the user's ratings changed; expired).",
            ["reason"]);
        _userEntries = factory.CreateGauge("recommender_user_cache_entries", "Users whose ratings this replica holds in memory.");
        _listRequests = factory.CreateCounter("recommender_list_cache_requests_total",
            "Personalised lists answered from the last list computed for the same user view (hit) or ranked anew (miss).", ["result"]);
        foreach (var result in new[] { "hit", "miss" })
        {
            _userRequests.WithLabels(result);
            _listRequests.WithLabels(result);
        }
        foreach (var reason in new[] { "capacity", "invalidated", "expired" }) _userEvictions.WithLabels(reason);
        registry.BeforeScrape(() => _userEntries.Set(_userCount?.Invoke() ?? 0));
    }

    /// <summary>Where the size of the user-ratings cache is read at scrape time.</summary>
    public void TrackUserCacheSize(Func<long> count) => _userCount = count;

    public void UserCacheHit() => _userRequests.WithLabels("hit").Inc();
    public void UserCacheMiss() => _userRequests.WithLabels("miss").Inc();

    /// <summary>An entry left the cache; a replacement by a fresher load is not an eviction.</summary>
    public void UserCacheEvicted(EvictionReason reason)
    {
        var label = reason switch
        {
            EvictionReason.Capacity => "capacity",
            EvictionReason.Removed => "invalidated",
            EvictionReason.Expired or EvictionReason.TokenExpired => "expired",
            _ => null,
        };
        if (label is not null) _userEvictions.WithLabels(label).Inc();
    }

    public void ListCacheHit() => _listRequests.WithLabels("hit").Inc();
    public void ListCacheMiss() => _listRequests.WithLabels("miss").Inc();
}
