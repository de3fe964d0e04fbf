using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RecommenderService.Engine;

/// <summary>
/// An 8-bit copy of a row-major factor matrix for a first pass over every item, with per-item error bounds so the pass
/// can be exact about what it may leave out: for any vector p (quantized per request, <see cref="QuantizedVector"/>),
/// the fp32 dot p·q_i as <see cref="RowDots"/> computes it lies within
/// <c>Estimates[i] ± (‖p‖ · Radius[i] + δ_p · CodeNorms[i])</c>.
/// </summary>
/// <remarks>
/// <para>Why: a list scans every item's ranking vector; at 20,000 items and k = 64 that is 5 MB of fp32 per list. Here a
/// quarter of the bytes is read, with integer multiply-adds (AVX-512 BW: 4 factors × 16 items per two instructions),
/// and only items whose upper bound can still enter the list are scored again in fp32 (<see cref="BoundedListScan"/>).
/// Measured in <c>ListBenchmarks</c> against the fp32 first pass and the full scan.</para>
/// <para>Items: c_ij = round(q_ij / a_i) in [−127, 127] with a_i = max_j |q_ij| / 127, q̃_i = a_i c_i. The user: u_j =
/// round(p_j / a_p) + 64 in [0, 128] with a_p = max_j |p_j| / 64, p̃ = a_p (u − 64); at most 128 · 127 · 2 per byte pair, so
/// the 16-bit pair sums never saturate and the integer dot is exact. Then p̃·q̃_i = a_p a_i (Σ u_j c_ij − 64 Σ c_ij), and
/// |p·q_i − p̃·q̃_i| ≤ ‖p‖ ‖q_i − q̃_i‖ + ‖p − p̃‖ ‖q̃_i‖ (Cauchy–Schwarz twice). Radius adds the rounding of the fp32 dot,
/// at most (k + 4) u ‖p‖ ‖q_i‖ in any summation order (u = 2⁻²⁴), and of the final products, doubled for slack. Rows
/// with a non-finite value get an infinite radius: they are always scored in fp32, which decides about them.</para>
/// <para>Layout: blocks of 16 items; within a block, groups of 4 factors, each 16 items × 4 bytes (an item's 4 codes side
/// by side, so one 32-bit lane per item accumulates its dot with no horizontal sums). k is padded to a multiple of 4 and
/// the item count to a multiple of 16 with zero codes.</para>
/// </remarks>
internal sealed class QuantizedRows
{
    public const int Block = 16;

    private readonly sbyte[] _codes;
    private readonly int[] _codeSums;

    private QuantizedRows(int rows, int factors, int padded, sbyte[] codes, int[] codeSums, float[] scales, float[] radius, float[] codeNorms)
    {
        Rows = rows;
        Factors = factors;
        PaddedFactors = padded;
        _codes = codes;
        _codeSums = codeSums;
        Scales = scales;
        Radius = radius;
        CodeNorms = codeNorms;
    }

    /// <summary>
    /// Whether the 8-bit pass runs on integer multiply-adds: <see cref="Estimates"/> with AVX-512 BW, or
    /// <see cref="Estimates256"/> with AVX2; without either the fp32 pass is faster.
    /// </summary>
    public static bool IsAccelerated => Avx512BW.IsSupported || Avx2.IsSupported;

    /// <summary>Whether lists use <see cref="Estimates"/> (512-bit) rather than <see cref="Estimates256"/>.</summary>
    public static bool Uses512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    public int Rows { get; }
    public int Factors { get; }
    public int PaddedFactors { get; }

    /// <summary>a_i per row (padded rows 0).</summary>
    public float[] Scales { get; }

    /// <summary>The row's error radius per unit of ‖p‖ (padded rows 0).</summary>
    public float[] Radius { get; }

    /// <summary>‖q̃_i‖ rounded up, the row's error per unit of ‖p − p̃‖ (padded rows 0).</summary>
    public float[] CodeNorms { get; }

    public int Blocks => (Rows + Block - 1) / Block;

    public static QuantizedRows Build(ReadOnlySpan<float> matrix, int factors)
    {
        var rows = matrix.Length / factors;
        var padded = (factors + 3) & ~3;
        var blocks = (rows + Block - 1) / Block;
        var codes = new sbyte[(long)blocks * Block * padded];
        var sums = new int[blocks * Block];
        var scales = new float[blocks * Block];
        var radius = new float[blocks * Block];
        var norms = new float[blocks * Block];
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
            double error = 0, codeNorm = 0;
            var sum = 0;
            for (var j = 0; j < factors; j++)
            {
                var code = scale == 0 ? (sbyte)0 : (sbyte)Math.Clamp(Math.Round(row[j] / (double)scale), -127, 127);
                codes[Offset(i, j, padded)] = code;
                sum += code;
                var approx = (double)scale * code;
                error += (row[j] - approx) * (row[j] - approx);
                codeNorm += approx * approx;
            }
            sums[i] = sum;
            var bound = Math.Sqrt(error) + rounding * (Math.Sqrt(norm) + Math.Sqrt(codeNorm));
            // Rounded up to float with 1 % on top, for the rounding of ‖p‖, δ_p and of the bound's own arithmetic.
            radius[i] = (float)(bound * 1.01) * (1 + 1e-6f);
            norms[i] = (float)(Math.Sqrt(codeNorm) * 1.01) * (1 + 1e-6f);
        }
        return new QuantizedRows(rows, factors, padded, codes, sums, scales, radius, norms);
    }

    /// <summary>Where code (row, factor) lives: block, group of 4 factors, lane, factor within the group.</summary>
    private static long Offset(int row, int factor, int padded) =>
        ((long)(row / Block) * padded + (factor & ~3)) * Block + (row % Block) * 4 + (factor & 3);

    /// <summary>p̃·q̃_i for the 16 items of block <paramref name="block"/> (lane j = item block·16 + j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Estimates(int block, in QuantizedVector user)
    {
        var start = (nint)block * PaddedFactors * Block;
        Vector512<int> dots;
        if (Avx512BW.IsSupported)
        {
            ref var codes = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_codes), start);
            ref var u = ref MemoryMarshal.GetArrayDataReference(user.Codes);
            var ones = Vector512.Create((short)1);
            // Two accumulators so the adds of consecutive groups do not wait on each other.
            Vector512<int> a0 = default, a1 = default;
            var j = 0;
            for (; j + 8 <= PaddedFactors; j += 8)
            {
                var u0 = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, j))).AsByte();
                var u1 = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, j + 4))).AsByte();
                var c0 = Vector512.LoadUnsafe(ref codes, (nuint)(j * Block));
                var c1 = Vector512.LoadUnsafe(ref codes, (nuint)((j + 4) * Block));
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u0, c0), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u1, c1), ones);
            }
            for (; j < PaddedFactors; j += 4)
            {
                var u0 = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, j))).AsByte();
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u0, Vector512.LoadUnsafe(ref codes, (nuint)(j * Block))), ones);
            }
            dots = a0 + a1;
        }
        else
        {
            // The same integers without the instructions (tests on other CPUs; lists then take the fp32 pass).
            Span<int> lanes = stackalloc int[Block];
            for (var lane = 0; lane < Block; lane++)
                for (var j = 0; j < PaddedFactors; j++)
                    lanes[lane] += user.Codes[j] * _codes[start + (j & ~3) * Block + lane * 4 + (j & 3)];
            dots = Vector512.Create((ReadOnlySpan<int>)lanes);
        }
        var sums = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_codeSums), (nuint)(block * Block));
        var scales = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Scales), (nuint)(block * Block));
        // Exact in int (|Σ| < 2²⁴ for k ≤ 1024), so the conversion is exact too.
        return Vector512.ConvertToSingle(dots - sums * QuantizedVector.Offset) * (scales * user.Scale);
    }

    /// <summary>
    /// <see cref="Estimates"/> for CPUs with AVX2 but not AVX-512: the same integers, a group's 16 items read as two
    /// 256-bit halves (items 0–7, then 8–15 of the block), so the estimates are the same to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<float> Low, Vector256<float> High) Estimates256(int block, in QuantizedVector user)
    {
        if (!Avx2.IsSupported) throw new PlatformNotSupportedException("Estimates256 needs AVX2.");
        var start = (nint)block * PaddedFactors * Block;
        ref var codes = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_codes), start);
        ref var u = ref MemoryMarshal.GetArrayDataReference(user.Codes);
        var ones = Vector256.Create((short)1);
        Vector256<int> low = default, high = default;
        for (var j = 0; j < PaddedFactors; j += 4)
        {
            var group = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, j))).AsByte();
            var offset = (nuint)(j * Block);
            low += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(group, Vector256.LoadUnsafe(ref codes, offset)), ones);
            high += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(group, Vector256.LoadUnsafe(ref codes, offset + 32)), ones);
        }
        ref var sums = ref MemoryMarshal.GetArrayDataReference(_codeSums);
        ref var scales = ref MemoryMarshal.GetArrayDataReference(Scales);
        var at = (nuint)(block * Block);
        var scale = Vector256.Create(user.Scale);
        return (
            Vector256.ConvertToSingle(low - Vector256.LoadUnsafe(ref sums, at) * QuantizedVector.Offset) * (Vector256.LoadUnsafe(ref scales, at) * scale),
            Vector256.ConvertToSingle(high - Vector256.LoadUnsafe(ref sums, at + 8) * QuantizedVector.Offset) * (Vector256.LoadUnsafe(ref scales, at + 8) * scale));
    }
}

/// <summary>
/// A user's vector quantized for <see cref="QuantizedRows.Estimates"/>: u_j = round(p_j / a_p) + 64, and δ_p = ‖p − p̃‖
/// rounded up, the error the bound charges for it.
/// </summary>
internal readonly struct QuantizedVector
{
    public const int Offset = 64;

    public QuantizedVector(ReadOnlySpan<float> vector, int padded)
    {
        Codes = new byte[padded];
        double max = 0;
        foreach (var v in vector) max = Math.Max(max, Math.Abs((double)v));
        var scale = (float)(max / Offset);
        double error = 0;
        for (var j = 0; j < padded; j++)
        {
            var code = j >= vector.Length || scale == 0 ? 0 : (int)Math.Clamp(Math.Round(vector[j] / (double)scale), -Offset, Offset);
            Codes[j] = (byte)(code + Offset);
            if (j < vector.Length)
            {
                var difference = vector[j] - (double)scale * code;
                error += difference * difference;
            }
        }
        Scale = scale;
        Error = (float)(Math.Sqrt(error) * 1.01) * (1 + 1e-6f);
    }

    /// <summary>u, padded with the code of 0.</summary>
    public byte[] Codes { get; }

    /// <summary>a_p.</summary>
    public float Scale { get; }

    /// <summary>δ_p = ‖p − p̃‖, rounded up.</summary>
    public float Error { get; }
}
