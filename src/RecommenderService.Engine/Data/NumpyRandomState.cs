namespace RecommenderService.Engine;

/// <summary>
/// A reimplementation of numpy's legacy <c>numpy.random.RandomState(seed)</c> for the calls the splits need,
/// so a holdout or k-fold split here selects the same rows as the Python tutorials and papers that use
/// <c>RandomState(42).permutation(n)</c> (scikit-learn's <c>ShuffleSplit</c>/<c>KFold</c> with an int seed).
/// </summary>
/// <remarks>
/// Reproduced from the published algorithms, without numpy at hand (it is not installed here and PyPI is
/// unreachable): MT19937 as in Matsumoto and Nishimura's mt19937ar.c, seeded by <c>init_genrand(seed)</c>, which
/// is what legacy seeding does for an integer seed; <c>random_sample</c> is <c>genrand_res53</c>,
/// ((a &gt;&gt; 5)·2^26 + (b &gt;&gt; 6)) / 2^53; <c>permutation(n)</c> shuffles <c>arange(n)</c> with the legacy
/// Fisher-Yates loop (i from n-1 down to 1, j = a bounded integer in [0, i], swap), where the bounded integer
/// masks 32-bit outputs with the smallest all-ones mask covering i and rejects values above i. The check
/// values quoted by numpy users (<c>RandomState(42).permutation(10)</c> = [8, 1, 5, 0, 7, 2, 9, 4, 3, 6] and
/// <c>RandomState(42).random_sample()</c> = 0.3745401188473625) are asserted in the tests.
/// Not thread-safe; one instance per sequence.
/// </remarks>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    public NumpyRandomState(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++)
            _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    /// <summary>The next raw 32-bit output (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>A uniform integer in [0, <paramref name="max"/>] by masked rejection, as numpy's legacy <c>random_interval</c>.</summary>
    public uint NextInterval(uint max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>Shuffles <paramref name="values"/> in place exactly as the legacy <c>RandomState.shuffle</c>.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = (int)NextInterval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary><c>permutation(n)</c>: a shuffled <c>arange(n)</c>.</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var values = new int[n];
        for (var k = 0; k < n; k++) values[k] = k;
        Shuffle(values);
        return values;
    }

    private void Twist()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        var mt = _mt;
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (mt[k] & upper) | (mt[k + 1] & lower);
            mt[k] = mt[k + M] ^ (y >> 1) ^ ((y & 1) * matrixA);
        }
        for (; k < N - 1; k++)
        {
            y = (mt[k] & upper) | (mt[k + 1] & lower);
            mt[k] = mt[k + (M - N)] ^ (y >> 1) ^ ((y & 1) * matrixA);
        }
        y = (mt[N - 1] & upper) | (mt[0] & lower);
        mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ ((y & 1) * matrixA);
        _index = 0;
    }
}
