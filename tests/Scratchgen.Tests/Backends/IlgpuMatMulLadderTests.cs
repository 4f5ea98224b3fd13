using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>A CPU accelerator with 256 threads per group, which V2 and V3 need; one per test class.</summary>
public sealed class WideCpuAccelerator : IDisposable
{
    internal IlgpuBackend Backend { get; } = IlgpuDevices.CreateCpu(threadsPerGroup: 256);

    public void Dispose() => Backend.Dispose();
}

/// <summary>Every rung of the matmul ladder against the Reference (float64) on ILGPU's CPU accelerator, at
/// awkward sizes: 1, 7, 33, one off the V2 tile (16), the V3 block (64) and the V4 block (128), transposed operands, a batch,
/// accumulation. Sizes stay tiny: the CPU accelerator emulates each of 256 threads and their barriers.</summary>
public sealed class IlgpuMatMulLadderTests(WideCpuAccelerator wide) : IClassFixture<WideCpuAccelerator>
{
    public static TheoryData<string, int, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<string, int, int, int, int, bool, bool>();
        (int B, int M, int N, int K, bool TransA, bool Acc)[] sizes =
        [
            (1, 1, 1, 1, false, false), (1, 7, 7, 7, false, false), (1, 33, 33, 33, false, false),
            (1, 15, 17, 16, false, true), (1, 17, 15, 33, true, false), (1, 63, 65, 17, false, false), (1, 127, 129, 9, false, true),
            (2, 7, 33, 5, true, true),
        ];
        foreach (var v in Enum.GetNames<MatMulKernels.Variant>())
            foreach (var s in sizes) data.Add(v, s.B, s.M, s.N, s.K, s.TransA, s.Acc);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Variant_MatchesReference(string variant, int batch, int m, int n, int k, bool transposeA, bool accumulate) =>
        Check(variant, batch, m, n, k, transposeA, accumulate, splitK: 1);

    /// <summary>Split-K (chunks of K as a batch, then a fixed-order sum), forced at tiny sizes: a skinny
    /// output, a transposed operand, accumulation, chunks that are not a multiple of any tile.</summary>
    [Theory]
    [InlineData("V2Tiled", 7, 1, 48, 3, false, false)]
    [InlineData("V5Vectorized", 7, 1, 48, 3, false, false)]
    [InlineData("V5Vectorized", 33, 17, 64, 4, true, true)]
    [InlineData("V6ConflictFree", 33, 17, 64, 4, true, true)]
    [InlineData("V3RegisterBlocked", 1, 5, 35, 5, false, true)]
    public void SplitK_MatchesReference(string variant, int m, int n, int k, int parts, bool transposeA, bool accumulate) =>
        Check(variant, 1, m, n, k, transposeA, accumulate, parts);

    [Theory]
    [InlineData(1, 128, 1, 6272, 132, 16)]     // DCGAN D's last linear at batch 128: 1 tile, 6272 = 16 x 392
    [InlineData(1, 128, 1024, 3136, 132, 8)]   // a conv weight gradient: 8 tiles -> 8 chunks fill 64 groups
    [InlineData(2, 128, 1, 6272, 132, 1)]      // batched: not split
    [InlineData(1, 4096, 4096, 4096, 132, 1)]  // the tiles already fill the device
    [InlineData(1, 1024, 1024, 1024, 132, 1)]  // 64 tiles keep half the device busy: measured slower split (H100, first split-K version)
    [InlineData(1, 128, 1, 512, 132, 1)]       // K too short to be worth it
    [InlineData(1, 128, 1, 1031, 132, 1)]      // a prime K has no even split
    public void AutoSplitK_FillsTheDeviceWithEvenChunks(int batch, int m, int n, int k, int multiprocessors, int expected) =>
        Assert.Equal(expected, IlgpuBackend.AutoSplitK(batch, m, n, k, MatMulKernels.V4Block, multiprocessors));

    private void Check(string variant, int batch, int m, int n, int k, bool transposeA, bool accumulate, int splitK)
    {
        var backend = wide.Backend;
        var rng = new Rng(1234);
        float[] Random(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)rng.NextNormal())];
        float[] av = Random(batch * m * k), bv = Random(batch * k * n), cv = Random(batch * m * n);

        // a is stored (B, K, M) and viewed transposed when transposeA, else stored (B, M, K).
        Tensor A(IBackend on)
        {
            var t = Tensor.FromArray(av, transposeA ? [batch, k, m] : [batch, m, k], on);
            return transposeA ? new Tensor(t.Storage, [batch, m, k], [k * m, 1, m], 0) : t;
        }
        var a = A(backend);
        var b = Tensor.FromArray(bv, [batch, k, n], backend);
        var c = Tensor.FromArray(cv, [batch, m, n], backend);
        backend.MatMul(a, b, c, accumulate, Enum.Parse<MatMulKernels.Variant>(variant), splitK);

        var reference = Scratchgen.Backends.Backend.Reference;
        var aRef = A(reference).To(reference, DType.Float64);
        var cRef = Tensor.FromArray(cv, [batch, m, n], reference).To(reference, DType.Float64);
        reference.MatMul(aRef, Tensor.FromArray(bv, [batch, k, n], reference).To(reference, DType.Float64), cRef, accumulate);
        Close.Assert(cRef.ToDoubleArray(), c.ToDoubleArray(), atol: 1e-5, rtol: 1e-4, $"{variant} ({batch}, {m}, {n}, {k}), split-K {splitK}");
    }
}
