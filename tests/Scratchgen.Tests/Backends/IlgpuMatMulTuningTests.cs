using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Backends;

/// <summary>
/// Tuning among the rungs that add in the same order (MatMulKernels.SameSums): they give the same bits, so
/// timing them per product shape and running the fastest changes no result. On a private 256-thread CPU
/// accelerator, at sizes around the 128 block and the 8-deep K slice.
/// </summary>
public sealed class IlgpuMatMulTuningTests(WideCpuAccelerator wideCpu) : IClassFixture<WideCpuAccelerator>
{
    [Theory]
    [InlineData(1, 7, 9, 5, false, false, false, 1)]
    [InlineData(1, 33, 20, 12, false, false, true, 1)]
    [InlineData(1, 36, 20, 13, true, false, true, 1)]
    [InlineData(2, 36, 17, 12, true, true, false, 1)]
    [InlineData(1, 129, 131, 17, false, true, true, 1)]
    [InlineData(1, 20, 12, 72, false, false, true, 1)]
    [InlineData(1, 20, 12, 72, true, false, true, 3)]   // K in 3 chunks of 24, summed by SumParts
    public void SameSumRungs_GiveTheSameBits(int batch, int m, int n, int k, bool transposeA, bool transposeB, bool accumulate, int splitK)
    {
        var backend = wideCpu.Backend;
        var (a, b, c0) = Operands(backend, batch, m, n, k, transposeA, transposeB);
        float[] Bits(MatMulKernels.Variant rung)
        {
            var c = c0.Clone();
            backend.MatMul(a, b, c, accumulate, rung, splitK);
            return c.ToArray();
        }
        Assert.True(MatMulKernels.SameSums.Length >= 2, "fewer than two rungs give the same sums: nothing to compare");
        float[] first = Bits(MatMulKernels.SameSums[0]);
        foreach (var rung in MatMulKernels.SameSums.Skip(1))
            Assert.True(first.AsSpan().SequenceEqual(Bits(rung)), $"{rung} differs from {MatMulKernels.SameSums[0]} at ({batch}, {m}, {n}, {k})");
    }

    /// <summary>The first product of a shape times the candidates (into scratch: c += a b still adds once)
    /// and keeps the fastest; later products of that shape run it without timing anything.</summary>
    [Fact]
    public void TunedMatMul_GivesTheDefaultRungsBits_AndTunesEachShapeOnce()
    {
        var backend = wideCpu.Backend;
        var (a, b, c0) = Operands(backend, 1, 20, 12, 36, transposeA: false, transposeB: true);
        var expected = c0.Clone();
        backend.MatMul(a, b, expected, accumulate: true, MatMulKernels.Default);
        try
        {
            backend.TuneMatMul = true;
            int tunedBefore = backend.TunedRungs.Count;
            var c = c0.Clone();
            backend.MatMul(a, b, c, accumulate: true);
            Assert.Equal(expected.ToArray(), c.ToArray());
            var (shape, rung) = Assert.Single(backend.TunedRungs.Skip(tunedBefore));
            Assert.Equal((1, 20, 12, 36, false, true, true), (shape.Batch, shape.M, shape.N, shape.K, shape.ATransposed, shape.BTransposed, shape.Accumulate));
            Assert.Contains(rung, MatMulKernels.TuningCandidates);
            Assert.Subset(MatMulKernels.SameSums.ToHashSet(), MatMulKernels.TuningCandidates.ToHashSet());
            Assert.Equal(0, backend.TuningMismatches);

            var again = c0.Clone();
            long launches = backend.KernelLaunches;
            backend.MatMul(a, b, again, accumulate: true);
            Assert.Equal(1, backend.KernelLaunches - launches);
            Assert.Equal(expected.ToArray(), again.ToArray());
            Assert.Equal(tunedBefore + 1, backend.TunedRungs.Count);
        }
        finally
        {
            backend.TuneMatMul = false;
        }
    }

    /// <summary>A candidate whose sums differ from the default rung's (V1 adds K in blocks of 32) is refused,
    /// however fast, so tuning never changes a value.</summary>
    [Fact]
    public void ACandidateWithOtherBits_IsNeverChosen()
    {
        var backend = wideCpu.Backend;
        var (a, b, c0) = Operands(backend, 1, 8, 8, 72, transposeA: false, transposeB: false);
        var expected = c0.Clone();
        backend.MatMul(a, b, expected, accumulate: true, MatMulKernels.Default);
        try
        {
            backend.TuneMatMul = true;
            backend.TuningRungs = [MatMulKernels.Variant.V1Naive, MatMulKernels.Default];
            int mismatches = backend.TuningMismatches, tunedBefore = backend.TunedRungs.Count;
            var c = c0.Clone();
            backend.MatMul(a, b, c, accumulate: true);
            Assert.Equal(mismatches + 1, backend.TuningMismatches);
            Assert.Equal(MatMulKernels.Default, backend.TunedRungs.Skip(tunedBefore).Single().Rung);
            Assert.Equal(expected.ToArray(), c.ToArray());
        }
        finally
        {
            backend.TuneMatMul = false;
            backend.TuningRungs = MatMulKernels.TuningCandidates;
        }
    }

    [Fact]
    public void ARungChosenByHand_TurnsTuningOff_AndDryRunsTuneNothing()
    {
        var backend = wideCpu.Backend;
        var (a, b, c) = Operands(backend, 1, 9, 7, 5, transposeA: true, transposeB: false);
        try
        {
            backend.TuneMatMul = true;
            backend.DryRun = true;
            int tunedBefore = backend.TunedRungs.Count;
            backend.MatMul(a, b, c, accumulate: false);
            Assert.Equal(tunedBefore, backend.TunedRungs.Count);
            backend.DryRun = false;
            backend.MatMulVariant = MatMulKernels.Variant.V7Unrolled;
            Assert.False(backend.TuneMatMul);
            Assert.Equal(MatMulKernels.Variant.V7Unrolled, backend.MatMulVariant);
        }
        finally
        {
            backend.DryRun = false;
            backend.MatMulVariant = MatMulKernels.Default;
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("V5Vectorized", "V5Vectorized")]
    [InlineData("v8wideloads", "V8WideLoads")]
    public void MatMulOverride_NamesARung(string? value, string? expected) =>
        Assert.Equal(expected, IlgpuDevices.MatMulOverride(value)?.ToString());

    [Fact]
    public void MatMulOverride_FixesTheRungOfTheBackendItOpens()
    {
        using var backend = IlgpuDevices.Open("ilgpu-cpu", "V7Unrolled");
        Assert.Equal(MatMulKernels.Variant.V7Unrolled, backend.MatMulVariant);
        Assert.False(backend.TuneMatMul);
    }

    [Theory]
    [InlineData("V9")]
    [InlineData("3")]       // a number is not a rung's name
    [InlineData("tuned ")]
    public void MatMulOverride_RefusesAnythingElse_NamingTheVariableAndTheRungs(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => IlgpuDevices.MatMulOverride(value));
        Assert.Contains("SCRATCHGEN_MATMUL", e.Message);
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains("V8WideLoads", e.Message);
    }

    private static (Tensor A, Tensor B, Tensor C) Operands(IBackend backend, int batch, int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new Rng(99);
        var a = Tensor.RandN(transposeA ? [batch, k, m] : [batch, m, k], rng, backend: backend);
        var b = Tensor.RandN(transposeB ? [batch, n, k] : [batch, k, n], rng, backend: backend);
        var c = Tensor.RandN([batch, m, n], rng, backend: backend);
        return (transposeA ? a.Transpose(1, 2) : a, transposeB ? b.Transpose(1, 2) : b, c);
    }
}
