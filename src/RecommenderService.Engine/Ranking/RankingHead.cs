using System.Numerics.Tensors;

namespace RecommenderService.Engine;

/// <summary>
/// The ranking part of a <see cref="FactorModel"/>: user and item vectors learned from which items users rated
/// (implicit feedback, <see cref="RankingTrainer"/>), scored by x_u·y_i alone. Higher = more likely to be chosen;
/// the score is not a rating. Immutable, and indexed by the model's user and item indices.
/// </summary>
/// <remarks>
/// <see cref="Feedback"/> and <see cref="Regularization"/> are the trainer's, kept so that
/// <see cref="FoldIn.SolveRanking(FactorModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/> solves a fresh user exactly as training solved a known one.
/// </remarks>
public sealed class RankingHead
{
    /// <summary>A head whose every rated item was chosen (no explicit negatives).</summary>
    public RankingHead(int factors, float[] userFactors, float[] itemFactors, float alpha, ConfidenceWeighting weighting, float regularization)
        : this(factors, userFactors, itemFactors, RankingFeedback.ChosenOnly(weighting, alpha), regularization)
    {
    }

    public RankingHead(int factors, float[] userFactors, float[] itemFactors, RankingFeedback feedback, float regularization)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        ArgumentNullException.ThrowIfNull(userFactors);
        ArgumentNullException.ThrowIfNull(itemFactors);
        if (userFactors.Length % factors != 0 || itemFactors.Length % factors != 0)
            throw new ArgumentException("The ranking factor arrays are not whole rows of the factor dimension.");
        feedback.Validate();
        if (!float.IsFinite(regularization) || regularization <= 0)
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "λ must be positive.");
        Factors = factors;
        UserFactors = userFactors;
        ItemFactors = itemFactors;
        Feedback = feedback;
        Regularization = regularization;
    }

    /// <summary>Factor dimension of the ranking vectors.</summary>
    public int Factors { get; }

    /// <summary>X, row-major, users × <see cref="Factors"/>.</summary>
    public float[] UserFactors { get; }

    /// <summary>Y, row-major, items × <see cref="Factors"/>.</summary>
    public float[] ItemFactors { get; }

    /// <summary>How ratings were read as feedback: chosen items' confidence, explicit negatives.</summary>
    public RankingFeedback Feedback { get; }

    /// <summary>α of a chosen item's confidence c = 1 + α·w(r).</summary>
    public float Alpha => Feedback.Alpha;

    public ConfidenceWeighting Weighting => Feedback.Weighting;

    /// <summary>λ of the per-row ridge penalty.</summary>
    public float Regularization { get; }

    public int UserCount => UserFactors.Length / Factors;
    public int ItemCount => ItemFactors.Length / Factors;

    /// <summary>
    /// How many leading item rows training solved the user rows against: <see cref="ItemCount"/>, except in a copy with
    /// untrained items appended (<see cref="ColdItems.Append"/>), whose extra rows the stored user rows never saw.
    /// </summary>
    public int TrainedItems
    {
        get => _trainedItems < 0 ? ItemCount : _trainedItems;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ItemCount);
            _trainedItems = value;
        }
    }

    private readonly int _trainedItems = -1;

    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public ReadOnlySpan<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    /// <summary>The ranking score x_u·y_i.</summary>
    public float Score(int user, int item) => TensorPrimitives.Dot(UserVector(user), ItemVector(item));

    /// <summary>The confidence bonus of a rated item (its confidence is 1 plus this) and its target p·(1 + bonus).</summary>
    public (float Bonus, float Target) FeedbackOf(float rating) => Feedback.Of(rating);

    /// <summary>|y_i| for every item, computed once on first use (for cosine similarity) and then shared.</summary>
    public ReadOnlySpan<float> ItemNorms
    {
        get
        {
            var norms = Volatile.Read(ref _itemNorms);
            if (norms is null)
            {
                norms = new float[ItemCount];
                for (var i = 0; i < norms.Length; i++) norms[i] = TensorPrimitives.Norm(ItemVector(i));
                Volatile.Write(ref _itemNorms, norms);
            }
            return norms;
        }
    }

    /// <summary>The mean |x_u| over the trained users, computed once on first use: the length of a typical user's vector.</summary>
    public float MeanUserNorm
    {
        get
        {
            var norm = Volatile.Read(ref _meanUserNorm);
            if (norm < 0)
            {
                double sum = 0;
                for (var u = 0; u < UserCount; u++) sum += TensorPrimitives.Norm(UserVector(u));
                norm = UserCount == 0 ? 0 : (float)(sum / UserCount);
                Volatile.Write(ref _meanUserNorm, norm);
            }
            return norm;
        }
    }

    private float _meanUserNorm = -1;

    /// <summary>YᵀY in double, full k×k, computed once on first fold-in and then shared.</summary>
    internal double[] ItemGram
    {
        get
        {
            var gram = Volatile.Read(ref _itemGram);
            if (gram is null)
            {
                gram = ImplicitLeastSquares.Gram(ItemFactors, Factors, threads: 1);
                Volatile.Write(ref _itemGram, gram);
            }
            return gram;
        }
    }

    /// <summary>
    /// The 8-bit copy of <see cref="ItemFactors"/> lists scan first (<see cref="QuantizedRows"/>, a quarter of the bytes),
    /// built once on first use and then shared: about a millisecond at 20,000 items, so the first list after a swap pays it.
    /// </summary>
    internal QuantizedRows ItemScanCopy
    {
        get
        {
            var copy = Volatile.Read(ref _itemScanCopy);
            if (copy is null)
            {
                copy = QuantizedRows.Build(ItemFactors, Factors);
                Volatile.Write(ref _itemScanCopy, copy);
            }
            return copy;
        }
    }

    /// <summary>
    /// YᵀY over the <see cref="TrainedItems"/> only, in double: the Gram matrix the stored user rows were solved with
    /// (<see cref="ItemGram"/> itself unless items were appended).
    /// </summary>
    internal double[] TrainedItemGram
    {
        get
        {
            if (TrainedItems == ItemCount) return ItemGram;
            var gram = Volatile.Read(ref _trainedItemGram);
            if (gram is null)
            {
                gram = ImplicitLeastSquares.Gram(ItemFactors[..(TrainedItems * Factors)], Factors, threads: 1);
                Volatile.Write(ref _trainedItemGram, gram);
            }
            return gram;
        }
    }

    /// <summary>
    /// The HNSW indexes over <see cref="ItemFactors"/> that lists (<see cref="ListScore.Top"/>) and similar items
    /// (<see cref="ItemSimilarity"/>) take candidates from instead of scanning every item; null: they scan (a small
    /// catalogue, or none built). Set once, by <see cref="ItemIndexes.Build"/> or carried over by <see cref="ColdItems.Append"/>.
    /// </summary>
    public ItemIndexes? Indexes => Volatile.Read(ref _indexes);

    /// <summary>Serves lists and similar items of this head from <paramref name="indexes"/> (built over its leading rows).</summary>
    /// <exception cref="InvalidOperationException">The head has indexes already.</exception>
    public void UseIndexes(ItemIndexes indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        if (indexes.Lists.Dimensions != Factors || indexes.Lists.Count > ItemCount
            || indexes.Similar is { } similar && (similar.Dimensions != Factors || similar.Count > ItemCount))
            throw new ArgumentException("The indexes were built over other rows than this head's.", nameof(indexes));
        if (Interlocked.CompareExchange(ref _indexes, indexes, null) is not null)
            throw new InvalidOperationException("The ranking head has indexes already.");
    }

    private ItemIndexes? _indexes;
    private float[]? _itemNorms;
    private double[]? _itemGram;
    private double[]? _trainedItemGram;
    private QuantizedRows? _itemScanCopy;
}
