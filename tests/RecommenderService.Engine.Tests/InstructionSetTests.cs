using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RecommenderService.Engine.Tests;

/// <summary>
/// CI runs the engine tests a second and third time with AVX-512, then AVX2 too, switched off (.ci/run), so the
/// kernels' portable fallbacks are tested. It says which it switched off in <c>RECOMMENDER_EXPECT_OFF</c>; this test
/// fails if they are still on, so a renamed runtime switch (.NET 10 ignores the older <c>DOTNET_EnableAVX512F</c>)
/// cannot silently turn those runs into repeats of the fast paths.
/// </summary>
public sealed class InstructionSetTests
{
    [Fact]
    public void The_instruction_sets_switched_off_for_this_run_are_off()
    {
        var off = Environment.GetEnvironmentVariable("RECOMMENDER_EXPECT_OFF") ?? "";

        if (off.Contains("AVX512", StringComparison.Ordinal))
            Assert.False(Avx512F.IsSupported || Vector512.IsHardwareAccelerated, "AVX-512 is still on");
        if (off.Contains("AVX2", StringComparison.Ordinal))
            Assert.False(Avx2.IsSupported || Vector256.IsHardwareAccelerated, "AVX2 is still on");
        // Whatever the run: 512-bit vectors are only accelerated where the instructions exist.
        Assert.True(!Vector512.IsHardwareAccelerated || Avx512F.IsSupported);
    }
}
