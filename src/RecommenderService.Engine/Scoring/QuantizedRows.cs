using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// An 8-bit copy of a row-major factor matrix for a first pass over every item, with a per-item error bound so the pass
/// can be exact about what it may leave out: for any vector p, the fp32 dot p·q_i (as <see cref="RowDots"/> computes it)
/// lies within <c>Estimates(p)[i] ± ‖p‖ · Radius[i]</c>.
/// </summary>
/// <remarks>
/// <para>Why: a list scans every item's ranking vector; at 20,000 items and k = 64 that is 5 MB of fp32 per list, which
/// the memory system, not arithmetic, limits (<c>ListBenchmarks</c>). A quarter of the bytes is read here instead, and only
/// items whose upper bound can still enter the list are scored again in fp32 (<see cref="BoundedListScan"/>).</para>
/// <para>Codes: c_ij = round(q_ij / a_i) with a_i = max_j |q_ij| / 127, so q̃_ij = a_i c_ij. Radius: ‖q_i − q̃_i‖ (Cauchy–Schwarz
/// bounds |p·q_i − p·q̃_i| by ‖p‖ times it) plus the rounding of both fp32 dots, each at most (k + 4) u ‖p‖ ‖row‖ with
/// u = 2⁻²⁴ in any summation order, times 2 for slack. Rows with a non-finite value get an infinite radius: they are always
/// scored in fp32, which is what decides about them.</para>
/// <para>Layout: blocks of 16 items, within a block factor-major (16 codes of factor j side by side), so one 512-bit
/// lane per item accumulates its dot with no horizontal sums; k is padded to a multiple of 4 with zero codes and the
/// item count to a multiple of 16 with zero rows.</para>
/// </remarks>
internal sealed class QuantizedRows
{
    public const int Block = 16;

    private readonly sbyte[] _codes;

    private QuantizedRows(int rows, int factors, int padded, sbyte[] codes, float[] scales, float[] radius)
    {
        Rows = rows;
        Factors = factors;
        PaddedFactors = padded;
        _codes = codes;
        Scales = scales;
        Radius = radius;
    }

    public int Rows { get; }
    public int Factors { get; }
    public int PaddedFactors { get; }

    /// <summary>a_i per row (padded rows 0).</summary>
    public float[] Scales { get; }

    /// <summary>The error radius per row, relative to ‖p‖ (padded rows 0).</summary>
    public float[] Radius { get; }

    public int Blocks => (Rows + Block - 1) / Block;

    public static QuantizedRows Build(ReadOnlySpan<float> matrix, int factors)
    {
        var rows = matrix.Length / factors;
        var padded = (factors + 3) & ~3;
        var blocks = (rows + Block - 1) / Block;
        var codes = new sbyte[(long)blocks * Block * padded];
        var scales = new float[blocks * Block];
        var radius = new float[blocks * Block];
        var rounding = 2.0 * (factors + 4) * Math.Pow(2, -24);
        for (var i = 0; i < rows; i++)
        {
            var row = matrix.Slice(i * factors, factors);
            double max = 0, norm = 0;
            var finite = true;
            foreach (var v in row)
            {
                finite &= float.IsFinite(v);
                max = Math.Max(max, Math.Abs((double)v));
                norm += (double)v * v;
            }
            if (!finite)
            {
                radius[i] = float.PositiveInfinity; // codes stay 0: the estimate is 0 and the bound infinite
                continue;
            }
            var scale = (float)(max / 127);
            scales[i] = scale;
            double error = 0, approxNorm = 0;
            var block = i / Block;
            var lane = i % Block;
            for (var j = 0; j < factors; j++)
            {
                var code = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(Math.Round(row[j] / (double)scale), -127, 127);
                codes[((long)block * padded + j) * Block + lane] = code;
                var approx = (double)scale * code;
                error += (row[j] - approx) * (row[j] - approx);
                approxNorm += approx * approx;
            }
            var bound = Math.Sqrt(error) + rounding * (Math.Sqrt(norm) + Math.Sqrt(approxNorm));
            // Rounded up to float, with 1 % on top for the rounding of ‖p‖ and of the bound's own arithmetic.
            radius[i] = (float)(bound * 1.01) * (1 + 1e-6f);
        }
        return new QuantizedRows(rows, factors, padded, codes, scales, radius);
    }

    /// <summary>
    /// p · q̃_i for the 16 items of block <paramref name="block"/> (lane j = item block·16 + j), <paramref name="vector"/>
    /// padded with zeros to <see cref="PaddedFactors"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Estimates(int block, ReadOnlySpan<float> vector)
    {
        ref var codes = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(_codes));
        ref var start = ref Unsafe.Add(ref codes, (nint)block * PaddedFactors * Block);
        ref var p = ref MemoryMarshal.GetReference(vector);
        // Four accumulators: one FMA chain per factor of each group of four, so the adds do not wait on each other.
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var j = 0; j < PaddedFactors; j += 4)
        {
            // 64 bytes: factors j .. j+3 of the block's 16 items.
            var bytes = Vector512.LoadUnsafe(ref start, (nuint)(j * Block)).AsSByte();
            var (low, high) = (Vector512.WidenLower(bytes), Vector512.WidenUpper(bytes));
            a0 = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Vector512.WidenLower(low)), Vector512.Create(Unsafe.Add(ref p, j)), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Vector512.WidenUpper(low)), Vector512.Create(Unsafe.Add(ref p, j + 1)), a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Vector512.WidenLower(high)), Vector512.Create(Unsafe.Add(ref p, j + 2)), a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(Vector512.WidenUpper(high)), Vector512.Create(Unsafe.Add(ref p, j + 3)), a3);
        }
        var scales = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Scales), (nuint)(block * Block));
        return (a0 + a1 + (a2 + a3)) * scales;
    }
}
