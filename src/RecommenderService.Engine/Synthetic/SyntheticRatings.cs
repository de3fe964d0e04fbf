using System.Globalization;

namespace RecommenderService.Engine;

/// <summary>
/// Generates rating data with a known structure, deterministic from a seed: integer ratings on the 1-5 scale
/// from μ + b_u + b_i + p_u·q_i + noise (rank-<see cref="SyntheticRatingsOptions.LatentDimension"/> planted
/// preferences), Zipf-like item popularity steered by taste (people mostly rate what they chose to watch),
/// log-normal user activity, timestamps, no repeated (user, item) pair.
/// </summary>
/// <remarks>
/// Each user's ratings come from a generator seeded by (seed, user), so the output does not depend on how
/// many threads produce it. Users are ids "1".."M" and items "1".."N", like MovieLens; rows are grouped by user.
/// </remarks>
public static class SyntheticRatings
{
    private const double GlobalMean = 3.55;
    private const double UserBiasStdDev = 0.35;
    private const double ItemBiasStdDev = 0.45;
    private const double PlantedStdDev = 0.8; // standard deviation of p_u·q_i
    private const long FirstTime = 1_262_304_000; // 2010-01-01
    private const long TimeRange = 8L * 365 * 86_400;

    public static RatingSet Generate(SyntheticRatingsOptions options)
    {
        options.Validate();
        int m = options.Users, n = options.Items, d = options.LatentDimension;
        var root = new Xoshiro256((ulong)(uint)options.Seed * 0x9E3779B97F4A7C15UL + 1);

        // Entry standard deviation s so that a dot product of d terms has variance d·s⁴ = PlantedStdDev².
        var s = Math.Pow(PlantedStdDev * PlantedStdDev / d, 0.25);
        var p = Gaussians(ref root, (long)m * d, s);
        var q = Gaussians(ref root, (long)n * d, s);
        var userBias = Gaussians(ref root, m, UserBiasStdDev);
        var itemBias = Gaussians(ref root, n, ItemBiasStdDev);

        // Popularity: a random item order, weight 1/(rank + 10)^s, as a cumulative distribution.
        var byRank = new int[n];
        for (var i = 0; i < n; i++) byRank[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = root.NextInt(i + 1);
            (byRank[i], byRank[j]) = (byRank[j], byRank[i]);
        }
        var cumulative = new double[n];
        double total = 0;
        for (var r = 0; r < n; r++) cumulative[r] = total += Math.Pow(r + 10, -options.ZipfExponent);
        for (var r = 0; r < n; r++) cumulative[r] /= total;

        var counts = UserCounts(ref root, m, options.Ratings, options.MaxPerUser);
        var offsets = new long[m + 1];
        for (var u = 0; u < m; u++) offsets[u + 1] = offsets[u] + counts[u];

        var count = (int)options.Ratings;
        var user = new int[count];
        var item = new int[count];
        var value = new float[count];
        var time = new long[count];
        var seed = (ulong)(uint)options.Seed;

        var blocks = Math.Max(1, Math.Min(m, Environment.ProcessorCount * 8));
        Parallel.For(0, blocks, block =>
        {
            var seen = new int[n]; // seen[i] == u + 1 when user u already rated item i
            var from = (int)((long)m * block / blocks);
            var to = (int)((long)m * (block + 1) / blocks);
            for (var u = from; u < to; u++)
            {
                var rng = new Xoshiro256(seed * 0xD1B54A32D192ED03UL ^ ((ulong)u * 0x9E3779B97F4A7C15UL + 7));
                var start = FirstTime + (long)(rng.NextDouble() * TimeRange);
                var span = 86_400 + (long)(rng.NextDouble() * 2 * 365 * 86_400);
                var pu = p.AsSpan(u * d, d);
                var misses = 0;
                for (var r = offsets[u]; r < offsets[u + 1];)
                {
                    // Popular items by their Zipf weight; when a heavy user keeps hitting items already
                    // taken, fall back to uniform draws so the loop always ends quickly.
                    var i = misses < 32 ? byRank[Draw(cumulative, rng.NextDouble())] : rng.NextInt(n);
                    if (seen[i] == u + 1) { misses++; continue; }
                    var qi = q.AsSpan(i * d, d);
                    double dot = 0;
                    for (var f = 0; f < d; f++) dot += pu[f] * qi[f];
                    // Taste decides whether the drawn item is one this user would pick at all.
                    if (options.ChoiceAffinity > 0 && rng.NextDouble() * (1 + Math.Exp(-options.ChoiceAffinity * dot)) > 1) continue;
                    seen[i] = u + 1;
                    misses = 0;
                    var raw = GlobalMean + userBias[u] + itemBias[i] + dot + options.Noise * rng.NextGaussian();
                    user[r] = u;
                    item[r] = i;
                    value[r] = (float)Math.Clamp(Math.Round(raw), 1, 5);
                    time[r] = start + (long)(rng.NextDouble() * span);
                    r++;
                }
            }
        });

        return new RatingSet(Ids(m), Ids(n), user, item, value, time);
    }

    private static float[] Gaussians(ref Xoshiro256 rng, long length, double stdDev)
    {
        var values = new float[length];
        for (long k = 0; k < length; k++) values[k] = (float)(stdDev * rng.NextGaussian());
        return values;
    }

    /// <summary>Ratings per user: log-normal activity, at least min(5, R/M) each, at most maxPerUser, summing to R.</summary>
    private static int[] UserCounts(ref Xoshiro256 rng, int m, long ratings, int maxPerUser)
    {
        var floor = (int)Math.Min(5, Math.Min(maxPerUser, ratings / m));
        var weights = new double[m];
        double sum = 0;
        for (var u = 0; u < m; u++) sum += weights[u] = Math.Exp(1.1 * rng.NextGaussian());
        var counts = new int[m];
        long assigned = 0;
        var spare = ratings - (long)floor * m;
        for (var u = 0; u < m; u++)
        {
            counts[u] = (int)Math.Min(maxPerUser, floor + Math.Floor(spare * weights[u] / sum));
            assigned += counts[u];
        }
        // Hand out what rounding and the cap left over, one at a time to random users with room.
        while (assigned < ratings)
        {
            var u = rng.NextInt(m);
            if (counts[u] >= maxPerUser) continue;
            var add = (int)Math.Min(Math.Min(maxPerUser - counts[u], ratings - assigned), 1 + (ratings - assigned) / m);
            counts[u] += add;
            assigned += add;
        }
        return counts;
    }

    private static int Draw(double[] cumulative, double x)
    {
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private static IdMap Ids(int count)
    {
        var ids = new string[count];
        for (var k = 0; k < count; k++) ids[k] = (k + 1).ToString(CultureInfo.InvariantCulture);
        return new IdMap(ids);
    }
}
