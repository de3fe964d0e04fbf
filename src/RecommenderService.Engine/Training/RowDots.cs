using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecommenderService.Engine;

/// <summary>
/// Dot products of one vector with consecutive rows of a row-major matrix (Q·p for a slice of items).
/// Four rows per step share each load of the vector and give the CPU four independent FMA chains; rows whose
/// length is not a multiple of the vector width fall back to <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// </summary>
internal static class RowDots
{
    /// <summary><c>result[r] = rows[r*k .. (r+1)*k) · vector</c> for r in 0..result.Length.</summary>
    public static void Compute(ReadOnlySpan<float> rows, ReadOnlySpan<float> vector, Span<float> result)
    {
        var k = vector.Length;
        if (rows.Length < result.Length * k) throw new ArgumentException("Not enough rows.", nameof(rows));
        if (Vector512.IsHardwareAccelerated && k % Vector512<float>.Count == 0)
            Compute512(rows, vector, result);
        else if (Vector256.IsHardwareAccelerated && k % Vector256<float>.Count == 0)
            Compute256(rows, vector, result);
        else
            for (var r = 0; r < result.Length; r++) result[r] = TensorPrimitives.Dot(rows.Slice(r * k, k), vector);
    }

    private static void Compute512(ReadOnlySpan<float> rows, ReadOnlySpan<float> vector, Span<float> result)
    {
        var k = (nuint)vector.Length;
        ref var v = ref MemoryMarshal.GetReference(vector);
        ref var m = ref MemoryMarshal.GetReference(rows);
        var r = 0;
        for (; r + 4 <= result.Length; r += 4)
        {
            ref var r0 = ref Unsafe.Add(ref m, (nuint)r * k);
            ref var r1 = ref Unsafe.Add(ref r0, k);
            ref var r2 = ref Unsafe.Add(ref r1, k);
            ref var r3 = ref Unsafe.Add(ref r2, k);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint j = 0; j < k; j += (nuint)Vector512<float>.Count)
            {
                var x = Vector512.LoadUnsafe(ref v, j);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r0, j), x, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r1, j), x, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r2, j), x, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r3, j), x, a3);
            }
            result[r] = Vector512.Sum(a0);
            result[r + 1] = Vector512.Sum(a1);
            result[r + 2] = Vector512.Sum(a2);
            result[r + 3] = Vector512.Sum(a3);
        }
        for (; r < result.Length; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nuint)r * k);
            var a = Vector512<float>.Zero;
            for (nuint j = 0; j < k; j += (nuint)Vector512<float>.Count)
                a = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, j), Vector512.LoadUnsafe(ref v, j), a);
            result[r] = Vector512.Sum(a);
        }
    }

    private static void Compute256(ReadOnlySpan<float> rows, ReadOnlySpan<float> vector, Span<float> result)
    {
        var k = (nuint)vector.Length;
        ref var v = ref MemoryMarshal.GetReference(vector);
        ref var m = ref MemoryMarshal.GetReference(rows);
        var r = 0;
        for (; r + 4 <= result.Length; r += 4)
        {
            ref var r0 = ref Unsafe.Add(ref m, (nuint)r * k);
            ref var r1 = ref Unsafe.Add(ref r0, k);
            ref var r2 = ref Unsafe.Add(ref r1, k);
            ref var r3 = ref Unsafe.Add(ref r2, k);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint j = 0; j < k; j += (nuint)Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref v, j);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r0, j), x, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r1, j), x, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r2, j), x, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r3, j), x, a3);
            }
            result[r] = Vector256.Sum(a0);
            result[r + 1] = Vector256.Sum(a1);
            result[r + 2] = Vector256.Sum(a2);
            result[r + 3] = Vector256.Sum(a3);
        }
        for (; r < result.Length; r++)
        {
            ref var row = ref Unsafe.Add(ref m, (nuint)r * k);
            var a = Vector256<float>.Zero;
            for (nuint j = 0; j < k; j += (nuint)Vector256<float>.Count)
                a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, j), Vector256.LoadUnsafe(ref v, j), a);
            result[r] = Vector256.Sum(a);
        }
    }
}
