using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// λ of the user attribute map (<see cref="FactorModel.UserAttributeMap"/>), chosen by validation inside the training
/// data, on ratings the rating head it judges with never trained on: the head trained before the training's temporal cut
/// (<see cref="TemporalTraining"/>) and the ratings after the cut. The trained users with a profile are dealt into
/// <see cref="Folds"/> folds (seeded); for each fold the map is fitted on the other folds' users at every λ of
/// <see cref="Grid"/>, and the fold's users' ratings after the cut are predicted from their profile alone, as the service
/// predicts a user with a profile and no ratings (clamp(μ + b_i + b̂_u + p̂·q_i)); the newcomers (first rating after the
/// cut) are predicted with the map of every trained user. The λ with the lowest RMSE over all of them is the map's. +∞
/// (the intercept alone: every profile gets the mean user) is in the grid, so tokens that carry no signal fall back to it
/// instead of letting noise through, and tokens that do keep a small λ.
/// </summary>
/// <remarks>
/// Why ratings after the cut rather than the users' own training ratings: an item's vector has learned from every
/// trained rating of it, so a user's training ratings are easier to predict from any vector near their own, and on
/// MovieLens-100k that chose λ 20 where users held out entirely did best at 50-200
/// (docs/decisions/0014-user-map-penalty-by-validation.md). The map is a ridge regression: one Cholesky factor of the
/// (tokens + 1)² system per fold and λ, solved for the rating head's 1 + k columns only (the ones RMSE reads); the
/// ranking head's columns share the chosen λ.
/// </remarks>
public static class UserMapPenalty
{
    /// <summary>The λ (per token) tried, ascending; +∞ is the mean user for every profile.</summary>
    public static IReadOnlyList<float> Grid { get; } = [5f, 20f, 50f, 200f, 1000f, 5000f, float.PositiveInfinity];

    /// <summary>Folds of the trained users with a profile.</summary>
    public const int Folds = 5;

    /// <summary>Fewer judged users than this judge nothing, and λ stays <see cref="AttributeFactors.DefaultUserRegularization"/>.</summary>
    public const int MinValidationUsers = 20;

    /// <summary>
    /// Judges every λ of <paramref name="grid"/> (default <see cref="Grid"/>) on the ratings in <paramref name="split"/>'s
    /// test part of users with a profile token the map knows, the map fitted on the users of <paramref name="held"/> (a
    /// model trained on the training part; matched by id) that have training ratings and a profile, each fold's users
    /// left out of the fit that judges them. <paramref name="profileOf"/> gives the profile tokens of a user by the
    /// split's user index (null = none). With fewer than <see cref="MinValidationUsers"/> users judged, nothing is and λ
    /// is <see cref="AttributeFactors.DefaultUserRegularization"/>.
    /// </summary>
    public static UserMapPenaltyChoice Choose(FactorModel held, DataSplit split, Func<int, IReadOnlyCollection<string>?> profileOf,
        IReadOnlyList<float>? grid = null, uint seed = 42)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(profileOf);
        grid ??= Grid;
        if (grid.Count == 0) throw new ArgumentException("The grid is empty.", nameof(grid));
        var (train, test) = split;
        var trainCounts = new int[train.UserCount];
        foreach (var u in train.User) trainCounts[u]++;
        var toSplit = new int[held.Users.Count];
        for (var m = 0; m < toSplit.Length; m++) toSplit[m] = train.Users.TryGetIndex(held.Users[m], out var u) ? u : -1;
        var rows = TokenRows.Of(held.Users.Count, m => toSplit[m] >= 0 ? profileOf(toSplit[m]) : null,
            m => toSplit[m] >= 0 && trainCounts[toSplit[m]] > 0);
        var none = new UserMapPenaltyChoice(AttributeFactors.DefaultUserRegularization, [], 0, 0, double.NaN);
        if (rows.Count < 2 * Folds) return none;

        // Fold f's users leave the map's fit and are judged on their ratings after the cut; newcomers (fold Folds) are
        // judged with the map of every trained user.
        var memberOf = new int[train.UserCount];
        Array.Fill(memberOf, -1);
        for (var m = 0; m < rows.Count; m++) memberOf[toSplit[rows.Rows[m]]] = m;
        var order = new NumpyRandomState(seed).Permutation(rows.Count);
        var foldOfRow = new int[rows.Count];
        for (var p = 0; p < order.Length; p++) foldOfRow[order[p]] = p % Folds;
        var judged = Judged(held, test, trainCounts, profileOf, rows, memberOf, foldOfRow);
        if (judged.Users < MinValidationUsers || judged.Start[^1] == 0) return none;

        var k = held.Factors;
        var all = AttributeFactors.Accumulate(held, rows, Enumerable.Range(0, rows.Count), 1 + k, null, AttributeFactors.UserTarget);
        var squared = new double[grid.Count][];
        for (var g = 0; g < grid.Count; g++) squared[g] = new double[judged.Users];
        var factors = new float[k];
        for (var f = 0; f <= Folds; f++)
        {
            var system = f == Folds ? all
                : all.Without(AttributeFactors.Accumulate(held, rows, Enumerable.Range(0, rows.Count).Where(m => foldOfRow[m] == f), 1 + k, null, AttributeFactors.UserTarget));
            for (var g = 0; g < grid.Count; g++)
            {
                var weights = system.Solve(grid[g]);
                foreach (var v in judged.ByFold[f])
                {
                    var bias = Derive(weights, judged.Columns[v], system.N - 1, 1 + k, factors);
                    for (var r = judged.Start[v]; r < judged.Start[v + 1]; r++)
                    {
                        var e = held.Scale.Clamp(held.Score(factors, bias, judged.Items[r])) - judged.Values[r];
                        squared[g][v] += e * e;
                    }
                }
            }
        }
        var ratings = judged.Start[^1];
        var best = 0;
        for (var g = 1; g < grid.Count; g++)
            if (squared[g].Sum() < squared[best].Sum()) best = g;
        var steps = new UserMapPenaltyStep[grid.Count];
        for (var g = 0; g < grid.Count; g++)
            steps[g] = new UserMapPenaltyStep(grid[g], Math.Sqrt(squared[g].Sum() / ratings), Excess(squared[g], squared[best]));
        var baseline = 0.0;
        for (var r = 0; r < ratings; r++)
        {
            var e = held.Scale.Clamp(held.GlobalMean + held.ItemBias[judged.Items[r]]) - judged.Values[r];
            baseline += e * e;
        }
        return new UserMapPenaltyChoice(grid[best], steps, judged.Users, ratings, Math.Sqrt(baseline / ratings));
    }

    /// <summary>
    /// The choice the service's training makes for <paramref name="all"/> (<see cref="TemporalTraining"/>), for callers
    /// that train otherwise (<c>recsys evaluate --cold-users</c>): the same temporal cut, the rating head early-stopped on
    /// it with <paramref name="options"/>, then <see cref="Choose"/>. <paramref name="profileOf"/> is by
    /// <paramref name="all"/>'s user index.
    /// </summary>
    public static UserMapPenaltyChoice ChooseFor(RatingSet all, TrainingOptions options, double holdoutFraction,
        Func<int, IReadOnlyCollection<string>?> profileOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(options);
        var split = TemporalSplit.Split(all, holdoutFraction);
        var held = new SgdTrainer(options).Train(split.Train, split.Test, null, cancellationToken).Model;
        return Choose(held, split, profileOf, seed: (uint)options.Seed);
    }

    /// <summary>
    /// How many standard errors <paramref name="squared"/>'s total exceeds <paramref name="best"/>'s, users being the
    /// unit (a user's ratings share their profile's error): 0 for the best itself.
    /// </summary>
    private static double Excess(double[] squared, double[] best)
    {
        var n = squared.Length;
        var mean = 0.0;
        for (var v = 0; v < n; v++) mean += squared[v] - best[v];
        mean /= n;
        var variance = 0.0;
        for (var v = 0; v < n; v++) variance += (squared[v] - best[v] - mean) * (squared[v] - best[v] - mean);
        var error = Math.Sqrt(variance / (n - 1) / n);
        return error > 0 ? mean / error : 0;
    }

    /// <summary>The rating head's part of a derived vector (the intercept's weights plus each token's) into
    /// <paramref name="factors"/>; returns the bias.</summary>
    private static float Derive(float[] weights, int[] columns, int intercept, int targets, float[] factors)
    {
        var row = weights.AsSpan(intercept * targets, targets);
        var bias = row[0];
        row[1..].CopyTo(factors);
        foreach (var c in columns)
        {
            row = weights.AsSpan(c * targets, targets);
            bias += row[0];
            TensorPrimitives.Add(factors, row[1..], factors);
        }
        return bias;
    }

    /// <summary>The judged users' token columns and their ratings after the cut (model indices), grouped by user (CSR), and each fold's users.</summary>
    private sealed record JudgedRatings(int Users, List<int[]> Columns, int[] Start, int[] Items, float[] Values, List<int>[] ByFold);

    /// <summary>
    /// The users judged: every trained user with a profile (in its fold) and every newcomer with a known token, with
    /// their test ratings of items the held model was trained on.
    /// </summary>
    private static JudgedRatings Judged(FactorModel held, RatingSet test, int[] trainCounts, Func<int, IReadOnlyCollection<string>?> profileOf,
        TokenRows rows, int[] memberOf, int[] foldOfRow)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < rows.Names.Length; a++) index[rows.Names[a]] = a;
        var itemOf = new int[test.ItemCount];
        for (var i = 0; i < itemOf.Length; i++) itemOf[i] = held.Items.TryGetIndex(test.Items[i], out var m) ? m : -1;
        var judgedOf = new int[test.UserCount];
        Array.Fill(judgedOf, -2); // -2 not looked at yet, -1 not judged
        var columns = new List<int[]>();
        var counts = new List<int>();
        var byFold = Enumerable.Range(0, Folds + 1).Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < test.Count; r++)
        {
            var u = test.User[r];
            if (judgedOf[u] == -2)
            {
                judgedOf[u] = -1;
                var member = u < memberOf.Length ? memberOf[u] : -1;
                var trained = u < trainCounts.Length && trainCounts[u] > 0;
                var known = member >= 0 ? rows.Columns[member]
                    : trained ? null
                    : (profileOf(u) ?? []).Distinct().Where(index.ContainsKey).Select(t => index[t]).ToArray();
                if (known is { Length: > 0 })
                {
                    judgedOf[u] = columns.Count;
                    byFold[member >= 0 ? foldOfRow[member] : Folds].Add(columns.Count);
                    columns.Add(known);
                    counts.Add(0);
                }
            }
            if (judgedOf[u] >= 0 && itemOf[test.Item[r]] >= 0) counts[judgedOf[u]]++;
        }
        var start = new int[columns.Count + 1];
        for (var v = 0; v < columns.Count; v++) start[v + 1] = start[v] + counts[v];
        var next = start[..^1];
        var items = new int[start[^1]];
        var values = new float[start[^1]];
        for (var r = 0; r < test.Count; r++)
        {
            if (judgedOf[test.User[r]] is not (var v and >= 0) || itemOf[test.Item[r]] is not (var i and >= 0)) continue;
            items[next[v]] = i;
            values[next[v]++] = test.Value[r];
        }
        return new JudgedRatings(columns.Count, columns, start, items, values, byFold);
    }
}
