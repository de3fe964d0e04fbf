using System.Buffers;
using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// Why the ranking head scores an item for a user, exactly: the user's ranking vector is the implicit-ALS solve
/// x_u = W^u Σ_j t_j y_j over their rated items j, with W^u = (YᵀY + Σ_j c'_j y_j y_jᵀ + λI)⁻¹ and t_j = p_j (1 + c'_j),
/// so the score of item i splits into one term per rated item (Hu, Koren and Volinsky 2008, section 5):
/// <code>s_ui = x_u·y_i = Σ_j (y_iᵀ W^u y_j) t_j</code>
/// Built once per user and model (the k×k W^u and the user's rated items, about k² doubles), it explains a page of
/// items for O(k² + n k) each.
/// </summary>
/// <remarks>
/// <para>The vector explained is <see cref="Vector"/>, solved here as the service solves the user's vector: for a
/// folded-in user as <see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// (<see cref="For(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float}, RankingPrior?)"/>), for a trained user as the
/// trainer's last, exact user half solved their stored row (<see cref="ForTrainedUser"/>: against the trained items' Gram
/// matrix). Either way it is the vector served, up to rounding, so the reasons add up to the score. Explaining a vector
/// served (<see cref="Explain(int, ReadOnlySpan{float}, int)"/>) states any difference as <see cref="ItemReasons.Unexplained"/>
/// rather than hiding it: a model trained before that last exact half stored rows its conjugate-gradient steps left
/// 0.05 % (default training) to 0.7 % (the large-data recipe) of a listed item's score away from the solve, at most 5 %.</para>
/// <para>With a prior x₀ (what the user told the service, <see cref="RankingPrior"/>), the solve is
/// x = x₀ + W^u Σ_j t'_j y_j with t'_j = t_j − (1 + c'_j) x₀·y_j: each rating's part is what it moved the user away from
/// what their prior predicted for its item, and x₀·y_i splits further over the prior's tokens
/// (<see cref="ItemReasons.Attributes"/>) and its base, the mean user (<see cref="ItemReasons.Base"/>).</para>
/// <para>Shares are contribution ÷ score, so all of a user's parts' shares (and the unexplained part's) add up to 1. A contribution is negative
/// when the rated item pulls the item down (y_iᵀ W^u y_j &lt; 0); such items are never given as reasons, and a share can
/// exceed 1 when others pull down. An item whose score is not positive has no reasons: nothing the user rated
/// speaks for it. An explicit negative (p = 0, see <see cref="RankingFeedback"/>) without a prior contributes exactly 0
/// (it acts only through W^u). The list score s·g or s/g (<see cref="ListScore"/>) scales s by a positive per-item factor, so the
/// shares are the shares of the list score too.</para>
/// </remarks>
public sealed class RankingReasons
{
    /// <summary>The most reasons <see cref="Explain(int, int)"/> gives for one item.</summary>
    public const int MaxReasons = 16;

    private readonly RankingHead _head;
    private readonly int[] _items;
    private readonly float[] _targets;
    private readonly float[] _inverse;
    private readonly RankingPrior? _prior;

    private RankingReasons(RankingHead head, int[] items, float[] targets, float[] inverse, float[] vector, RankingPrior? prior)
    {
        _head = head;
        _items = items;
        _targets = targets;
        _inverse = inverse;
        _prior = prior;
        Vector = vector;
    }

    /// <summary>
    /// The per-user part for a user folded in from rating <paramref name="items"/> (model item indices) with
    /// <paramref name="values"/> and nothing else, against <paramref name="model"/>'s ranking head: O(n k² + k³), about
    /// 1 ms for 500 ratings at k = 64.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static RankingReasons For(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values) =>
        For(model, items, values, prior: null);

    /// <summary>
    /// As <see cref="For(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/> for a user folded in from
    /// <paramref name="prior"/> (their profile and likes; null = none), as <see cref="ColdUsers.Solve"/> folds them in.
    /// Without ratings the vector is the prior itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static RankingReasons For(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values, RankingPrior? prior)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        return Build(head, head.ItemGram, items, values, prior);
    }

    /// <summary>
    /// The per-user part for a user the model was trained on, from the ratings it was trained on: their stored row is
    /// the trainer's exact solve against the items trained (<see cref="RankingHead.TrainedItems"/>, whatever was appended
    /// since), which is what this explains.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head.</exception>
    public static RankingReasons ForTrainedUser(FactorModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        return Build(head, head.TrainedItemGram, items, values, prior: null);
    }

    private static RankingReasons Build(RankingHead head, double[] gram, ReadOnlySpan<int> items, ReadOnlySpan<float> values, RankingPrior? prior)
    {
        if (items.Length != values.Length)
            throw new ArgumentException($"{items.Length} items but {values.Length} values.", nameof(values));
        foreach (var item in items)
            if ((uint)item >= (uint)head.ItemCount)
                throw new ArgumentOutOfRangeException(nameof(items), item, "An item index is outside the model.");
        var k = head.Factors;
        if (prior is not null && prior.Vector.Length != k)
            throw new ArgumentException($"The prior has {prior.Vector.Length} factors; the ranking head has {k}.", nameof(prior));

        var n = items.Length;
        var bonus = new float[n];
        var targets = new float[n];
        for (var j = 0; j < n; j++)
        {
            (bonus[j], targets[j]) = head.FeedbackOf(values[j]);
            // With a prior the rating's part is what it adds beyond the prior's own prediction of its item.
            if (prior is not null) targets[j] -= (1 + bonus[j]) * TensorPrimitives.Dot(prior.Vector, head.ItemVector(items[j]));
        }
        if (n == 0) return new RankingReasons(head, [], [], [], prior is null ? new float[k] : (float[])prior.Vector.Clone(), prior);

        // A = YᵀY + λI + Σ c'_j y_j y_jᵀ (lower triangle) and b = Σ t_j y_j, as ImplicitLeastSquares.SolveExact builds them.
        var a = new double[k * k];
        gram.CopyTo(a, 0);
        for (var r = 0; r < k; r++) a[r * k + r] += head.Regularization;
        var b = new double[k];
        var z = new double[k];
        for (var j = 0; j < n; j++)
        {
            var y = head.ItemVector(items[j]);
            for (var f = 0; f < k; f++) z[f] = y[f];
            double extra = bonus[j];
            if (extra != 0)
                for (var r = 0; r < k; r++) FoldIn.AddScaled(a.AsSpan(r * k, r + 1), z, extra * z[r]);
            if (targets[j] != 0) FoldIn.AddScaled(b, z, targets[j]);
        }
        FoldIn.CholeskyFactor(a, k);
        FoldIn.CholeskySubstitute(a, b, k);
        var vector = new float[k];
        for (var f = 0; f < k; f++) vector[f] = (float)(b[f] + (prior is null ? 0 : prior.Vector[f]));

        return new RankingReasons(head, items.ToArray(), targets, Inverse(a, k), vector, prior);
    }

    /// <summary>
    /// W = A⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor L (lower triangle of <paramref name="l"/>), in float: one product W·y_i
    /// per explained item is then one SIMD pass over k² floats, and the cached part is 4k² bytes (16 KiB at k = 64).
    /// Row by row, so every inner loop runs over contiguous memory: about k³/2 multiply-adds.
    /// </summary>
    private static float[] Inverse(double[] l, int k)
    {
        // M = L⁻¹ (lower triangular): row i = (e_i − Σ_{m<i} L[i,m] M[m]) / L[i,i].
        var pooled = ArrayPool<double>.Shared.Rent(2 * k * k);
        try
        {
            return Inverse(l, k, pooled.AsSpan(0, k * k), pooled.AsSpan(k * k, k * k));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
    }

    private static float[] Inverse(double[] l, int k, Span<double> m, Span<double> w)
    {
        m.Clear();
        w.Clear();
        for (var i = 0; i < k; i++)
        {
            var row = m.Slice(i * k, i + 1);
            row[i] = 1;
            for (var j = 0; j < i; j++)
                if (l[i * k + j] != 0) FoldIn.AddScaled(row[..(j + 1)], m.Slice(j * k, j + 1), -l[i * k + j]);
            var d = 1 / l[i * k + i];
            for (var f = 0; f <= i; f++) row[f] *= d;
        }
        // W = Mᵀ M = Σ_i M[i]ᵀ M[i]: row i of M adds M[i,r]·M[i, 0..i] to row r ≤ i (lower triangle), mirrored below.
        for (var i = 0; i < k; i++)
        {
            var row = m.Slice(i * k, i + 1);
            for (var r = 0; r <= i; r++) FoldIn.AddScaled(w.Slice(r * k, r + 1), row[..(r + 1)], row[r]);
        }
        var inverse = new float[k * k];
        for (var r = 0; r < k; r++)
            for (var c = 0; c <= r; c++) inverse[r * k + c] = inverse[c * k + r] = (float)w[r * k + c];
        return inverse;
    }

    /// <summary>
    /// The ranking vector explained: W^u Σ_j t_j y_j, or x₀ + W^u Σ_j t'_j y_j with a prior; the vector the user is
    /// served, up to rounding.
    /// </summary>
    public float[] Vector { get; }

    /// <summary>The user's rated items (model item indices), in the order given.</summary>
    public ReadOnlySpan<int> RatedItems => _items;

    /// <summary>The ranking score x·y_i of <paramref name="item"/> with <see cref="Vector"/>.</summary>
    public float Score(int item) => TensorPrimitives.Dot(Vector, _head.ItemVector(item));

    /// <summary>
    /// Every rated item's contribution (y_iᵀ W^u y_j) t_j to <paramref name="item"/>'s score, in the order of
    /// <see cref="RatedItems"/>; they add up to <see cref="Score"/> up to rounding.
    /// </summary>
    public void Contributions(int item, Span<float> contributions)
    {
        if ((uint)item >= (uint)_head.ItemCount) throw new ArgumentOutOfRangeException(nameof(item), item, "An item index is outside the model.");
        if (contributions.Length < _items.Length) throw new ArgumentException("Too short for every rated item.", nameof(contributions));
        if (_items.Length == 0) return;
        var k = _head.Factors;
        Span<float> w = k <= 1024 ? stackalloc float[k] : new float[k];
        Weighted(item, w);
        for (var j = 0; j < _items.Length; j++)
            contributions[j] = _targets[j] == 0 ? 0 : _targets[j] * TensorPrimitives.Dot(w, _head.ItemVector(_items[j]));
    }

    /// <summary>
    /// Why <paramref name="item"/> scores as it does with <see cref="Vector"/>: up to <paramref name="count"/> (at most
    /// <see cref="MaxReasons"/>) rated items with the largest positive contributions, largest first, ties by the lower index.
    /// </summary>
    public ItemReasons Explain(int item, int count = 3) => Explain(item, Vector, count);

    /// <summary>
    /// As <see cref="Explain(int, int)"/>, for the score x·y_i of the vector actually served, <paramref name="servedVector"/>:
    /// shares are of that score, and the part neither the rated items nor the prior make, (x − <see cref="Vector"/>)·y_i
    /// up to rounding, is <see cref="ItemReasons.Unexplained"/>, so the parts still add up to the score. Up to
    /// <paramref name="count"/> of the prior's tokens with the largest positive parts come in <see cref="ItemReasons.Attributes"/>.
    /// </summary>
    public ItemReasons Explain(int item, ReadOnlySpan<float> servedVector, int count = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxReasons);
        if (servedVector.Length != _head.Factors)
            throw new ArgumentException($"The served vector has {servedVector.Length} factors; the ranking head has {_head.Factors}.", nameof(servedVector));
        var parts = _prior?.Parts.Count ?? 0;
        var rented = ArrayPool<float>.Shared.Rent(Math.Max(1, _items.Length + parts));
        try
        {
            var contributions = rented.AsSpan(0, _items.Length);
            Contributions(item, contributions);
            double explained = 0;
            foreach (var c in contributions) explained += c;
            var y = _head.ItemVector(item);
            var tokens = rented.AsSpan(_items.Length, parts);
            float @base = 0;
            if (_prior is not null)
            {
                for (var p = 0; p < parts; p++) explained += tokens[p] = TensorPrimitives.Dot(_prior.Parts[p].Vector, y);
                explained += @base = TensorPrimitives.Dot(_prior.Base, y);
            }
            var score = TensorPrimitives.Dot(servedVector, y);
            var unexplained = (float)(score - explained);
            if (!(score > 0) || count == 0) return new ItemReasons(item, score, unexplained, [], [], @base);

            var reasons = new RatedItemReason[Largest(contributions, count, _items, out var best)];
            for (var r = 0; r < reasons.Length; r++)
                reasons[r] = new RatedItemReason(_items[best[r]], contributions[best[r]], contributions[best[r]] / score);
            var attributes = new AttributeReason[parts == 0 ? 0 : Largest(tokens, count, null, out best)];
            for (var r = 0; r < attributes.Length; r++)
            {
                var part = _prior!.Parts[best[r]];
                attributes[r] = new AttributeReason(part.Token, part.Source, tokens[best[r]], tokens[best[r]] / score);
            }
            return new ItemReasons(item, score, unexplained, reasons, attributes, @base);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The positions of the up to <paramref name="count"/> largest positive <paramref name="values"/>, largest first,
    /// ties by the lower item index (<paramref name="items"/>) or position; returns how many.
    /// </summary>
    private static int Largest(ReadOnlySpan<float> values, int count, int[]? items, out int[] best)
    {
        best = new int[count];
        var kept = 0;
        for (var j = 0; j < values.Length; j++)
        {
            if (!(values[j] > 0)) continue;
            if (kept == count && !Before(values, items, j, best[kept - 1])) continue;
            // Insertion into a short sorted prefix: count is a handful.
            var at = kept < count ? kept++ : kept - 1;
            while (at > 0 && Before(values, items, j, best[at - 1])) { best[at] = best[at - 1]; at--; }
            best[at] = j;
        }
        return kept;

        static bool Before(ReadOnlySpan<float> v, int[]? items, int x, int y) =>
            v[x] > v[y] || v[x] == v[y] && (items is null ? x < y : items[x] < items[y]);
    }

    /// <summary>W^u y_i.</summary>
    private void Weighted(int item, Span<float> w) => RowDots.Compute(_inverse, _head.ItemVector(item), w);
}
