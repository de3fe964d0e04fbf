using System.Diagnostics;

namespace RecommenderService.Engine;

/// <summary>
/// Trains the <see cref="RankingHead"/> of a model by implicit alternating least squares (Hu, Koren and Volinsky
/// 2008) on the same ratings as the rating head, read as implicit feedback (<see cref="RankingOptions.Feedback"/>):
/// every rated item is "chosen" (preference 1, confidence 1 + α·w(r)), every other item "not chosen" (preference 0,
/// confidence 1); with <see cref="RankingOptions.NegativeThreshold"/>, a rating at or below it is "not wanted"
/// (preference 0, confidence 1 + <see cref="RankingOptions.NegativeAlpha"/>).
/// </summary>
/// <remarks>
/// <para>Why implicit ALS (it beat popularity, one-class MF and BPR on MovieLens-100k; deterministic, parallel by row,
/// and its row solve is the fold-in): docs/decisions/0001-implicit-als-ranking-head.md.</para>
/// <para>Each iteration solves every user row with Y fixed, then every item row with X fixed. The shared YᵀY is
/// computed once per half; a row then costs O(n_u·k) per conjugate-gradient step (the default: 3 steps warm-started
/// from the previous row, as Takács, Pilászy and Tikk showed is as good as exact) or O(n_u·k² + k³) for an exact
/// Cholesky solve (<see cref="RankingOptions.ConjugateGradientSteps"/> = 0). After the last iteration every user row is
/// solved once more, exactly, against the final Y (<see cref="RankingOptions.ExactUserRows"/>), so the stored X is the exact ALS user solve that
/// <see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/> gives a fresh user and
/// <see cref="RankingReasons"/> splits over rated items.</para>
/// <para>Parallel over rows; each row is solved from fixed inputs into its own slot and the Gram matrices are
/// summed over fixed ranges in order, so the result is bit for bit the same for a seed whatever the thread count.
/// No allocation per rating: scratch vectors are per worker.</para>
/// </remarks>
public sealed class RankingTrainer
{
    private const int RowsPerTask = 64;
    private readonly RankingOptions _options;

    public RankingTrainer(RankingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// The user rows' penalty as a multiple of the item rows' (1: one λ for both). The penalty search trains on a
    /// sample of users, where λ per item rating shrinks with the sample while each user keeps all of their ratings;
    /// this keeps the user rows' λ at the full data's (docs/decisions/0012-sampled-penalty-search.md).
    /// </summary>
    internal double UserPenaltyScale { get; init; } = 1;

    /// <summary>
    /// Learns the ranking head from <paramref name="ratings"/>, indexed like them (attach it to a model trained on the
    /// same set with <see cref="FactorModel.WithRanking"/>). Reports each iteration to <paramref name="onIteration"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires (checked between rows).</exception>
    /// <remarks>
    /// <paramref name="warmStart"/>: a head of the same factor dimension trained on a subset of <paramref name="ratings"/>
    /// (sharing its id maps). With <see cref="RankingOptions.WarmStartIterations"/> set, its user and item vectors replace
    /// the random start for the rows it has and training runs that many iterations; otherwise it is ignored.
    /// </remarks>
    public RankingHead Train(RatingSet ratings, Action<RankingProgress>? onIteration = null, CancellationToken cancellationToken = default,
        RankingHead? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (ratings.Count == 0) throw new ArgumentException("Cannot train on an empty rating set.", nameof(ratings));
        var o = _options;
        var k = o.Factors;
        var threads = o.EffectiveThreads;
        var byUser = Feedback.Group(ratings.User, ratings.Item, ratings.Value, ratings.UserCount, o);
        var byItem = Feedback.Group(ratings.Item, ratings.User, ratings.Value, ratings.ItemCount, o);

        var x = new float[(long)ratings.UserCount * k];
        var y = new float[(long)ratings.ItemCount * k];
        SeededRandom.For(o.Seed, 0x72616e6b, 1).FillGaussian(x, o.InitStdDev);
        SeededRandom.For(o.Seed, 0x72616e6b, 2).FillGaussian(y, o.InitStdDev);
        var iterations = o.Iterations;
        if (warmStart is not null && o.WarmStartIterations is { } warmIterations)
        {
            if (warmStart.Factors != k || warmStart.UserFactors.Length > x.Length || warmStart.ItemFactors.Length > y.Length)
                throw new ArgumentException("The warm start must be a head of the same dimension on a subset of these ratings.", nameof(warmStart));
            warmStart.UserFactors.CopyTo(x, 0);
            warmStart.ItemFactors.CopyTo(y, 0);
            iterations = warmIterations;
        }

        var lambda = o.EffectiveRegularization(ratings);
        var userLambda = (float)(lambda * UserPenaltyScale);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var gramY = ImplicitLeastSquares.Gram(y, k, threads);
        for (var iteration = 1; iteration <= iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            SolveRows(x, byUser, y, gramY, userLambda, parallel, _options.ConjugateGradientSteps);
            SolveRows(y, byItem, x, ImplicitLeastSquares.Gram(x, k, threads), lambda, parallel, _options.ConjugateGradientSteps);
            gramY = ImplicitLeastSquares.Gram(y, k, threads);
            var loss = Loss(x, byUser, y, gramY, userLambda, lambda, parallel) / ratings.Count;
            onIteration?.Invoke(new RankingProgress(iteration, loss, clock.Elapsed.TotalSeconds));
        }
        // A last user half, solved exactly against the final Y: every stored row is then W^u Σ_j t_j y_j, the sum
        // RankingReasons splits over the user's rated items, so a trained user's reasons add up to their score as a
        // folded-in user's do (docs/decisions/0009-exact-trained-user-rows.md).
        if (o.ExactUserRows) SolveRows(x, byUser, y, gramY, userLambda, parallel, steps: 0);
        return new RankingHead(k, x, y, o.Feedback, lambda);
    }

    /// <summary>Solves every row of <paramref name="rows"/>: by <paramref name="steps"/> conjugate-gradient steps, or exactly (0).</summary>
    private void SolveRows(float[] rows, Feedback feedback, float[] others, double[] gram, float lambda, ParallelOptions parallel, int steps)
    {
        var k = _options.Factors;
        var gramF = steps == 0 ? Array.Empty<float>() : ToFloat(gram);
        var count = feedback.Start.Length - 1;
        var tasks = (count + RowsPerTask - 1) / RowsPerTask;
        Parallel.For(0, tasks, parallel, () => new Scratch(k), (task, _, s) =>
        {
            for (var row = task * RowsPerTask; row < Math.Min(count, (task + 1) * RowsPerTask); row++)
            {
                var x = rows.AsSpan(row * k, k);
                var (from, length) = (feedback.Start[row], feedback.Start[row + 1] - feedback.Start[row]);
                if (length == 0)
                {
                    // Nothing chosen: the solution is 0, and that scores every item 0 instead of keeping noise.
                    x.Clear();
                    continue;
                }
                var rated = feedback.Other.AsSpan(from, length);
                var bonus = feedback.Bonus.AsSpan(from, length);
                var target = feedback.TargetsOf(from, length);
                if (steps == 0)
                    ImplicitLeastSquares.SolveExact(gram, lambda, others, k, rated, bonus, target, x, s.A, s.B, s.Z);
                else
                    ImplicitLeastSquares.SolveConjugateGradient(gramF, lambda, others, k, rated, bonus, target, x, steps, s.R, s.P, s.Ap);
            }
            return s;
        }, _ => { });
    }

    private double Loss(float[] x, Feedback byUser, float[] y, double[] gramY, float userLambda, float itemLambda, ParallelOptions parallel)
    {
        var k = _options.Factors;
        var gramF = ToFloat(gramY);
        var users = byUser.Start.Length - 1;
        var tasks = (users + RowsPerTask - 1) / RowsPerTask;
        var partial = new double[tasks];
        Parallel.For(0, tasks, parallel, () => new float[k], (task, _, scratch) =>
        {
            double sum = 0;
            for (var u = task * RowsPerTask; u < Math.Min(users, (task + 1) * RowsPerTask); u++)
            {
                var (from, length) = (byUser.Start[u], byUser.Start[u + 1] - byUser.Start[u]);
                sum += ImplicitLeastSquares.Loss(gramF, y, k, byUser.Other.AsSpan(from, length), byUser.Bonus.AsSpan(from, length), byUser.TargetsOf(from, length),
                    x.AsSpan(u * k, k), scratch);
            }
            partial[task] = sum;
            return scratch;
        }, _ => { });
        double loss = 0;
        foreach (var p in partial) loss += p;
        double userNorms = 0, itemNorms = 0;
        foreach (var v in x) userNorms += v * v;
        foreach (var v in y) itemNorms += v * v;
        return loss + userLambda * userNorms + itemLambda * itemNorms;
    }

    private static float[] ToFloat(double[] values)
    {
        var result = new float[values.Length];
        for (var j = 0; j < values.Length; j++) result[j] = (float)values[j];
        return result;
    }

    private sealed class Scratch(int k)
    {
        public readonly double[] A = new double[k * k], B = new double[k], Z = new double[k];
        public readonly float[] R = new float[k], P = new float[k], Ap = new float[k];
    }

    /// <summary>Ratings grouped by one side (users or items), CSR: row r's partners, confidence bonuses c' and targets p·(1 + c').</summary>
    private sealed record Feedback(int[] Start, int[] Other, float[] Bonus, float[] Target)
    {
        /// <summary>The targets of a row's rated items; empty when the head has no negatives (see <see cref="ConfidenceWeightedSum.TargetOf"/>).</summary>
        public ReadOnlySpan<float> TargetsOf(int from, int length) => Target.Length == 0 ? [] : Target.AsSpan(from, length);

        public static Feedback Group(int[] row, int[] other, float[] value, int rows, RankingOptions o)
        {
            var start = new int[rows + 1];
            foreach (var r in row) start[r + 1]++;
            for (var r = 0; r < rows; r++) start[r + 1] += start[r];
            var next = start[..^1];
            var partners = new int[row.Length];
            var bonus = new float[row.Length];
            var rule = o.Feedback;
            // Without negatives every target is 1 + c' and the solvers derive it (ConfidenceWeightedSum.TargetOf).
            var target = rule.HasNegatives ? new float[row.Length] : [];
            for (var j = 0; j < row.Length; j++)
            {
                var at = next[row[j]]++;
                partners[at] = other[j];
                (bonus[at], var t) = rule.Of(value[j]);
                if (target.Length > 0) target[at] = t;
            }
            return new Feedback(start, partners, bonus, target);
        }
    }
}
