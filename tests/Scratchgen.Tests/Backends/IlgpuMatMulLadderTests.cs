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
public sealed class IlgpuMatMulLadderTests(WideCpuAccelerator wideCpu) : IClassFixture<WideCpuAccelerator>
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
    [InlineData("V8WideLoads", 33, 20, 64, 4, false, true)]   // chunk views that V8 reads 16 bytes at a time
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

    /// <summary>V8 reads 16 bytes at a time along whichever dimension of an operand is contiguous, when that
    /// dimension's extent, the other strides and the offset are multiples of 4 floats. The cases cover each
    /// layout of a and b, edges in the other dimensions (M, N or K not multiples of 4 or of the tile), a
    /// nonzero aligned offset, a batch, and views V8 cannot read wide, which run V7 instead (`padded`: rows
    /// stored with a leading dimension rounded up to 4, as in a column slice of a wider matrix); `wide`
    /// says which path the case must take. A dimension of extent 1 has no stride that matters
    /// (IlgpuBackend.View sets it to 0), so a row or column with both strides 1 still reads wide.</summary>
    [Theory]
    [InlineData(1, 33, 20, 12, false, false, 0, false, true)]
    [InlineData(1, 36, 20, 13, true, false, 0, false, true)]
    [InlineData(1, 36, 17, 12, true, true, 0, false, true)]
    [InlineData(2, 132, 7, 20, true, true, 4, false, true)]
    [InlineData(1, 129, 131, 8, false, true, 8, false, true)]
    [InlineData(1, 128, 128, 16, false, false, 0, false, true)]
    [InlineData(1, 20, 12, 1, false, false, 0, false, true)]   // K = 1: a (M, 1) column, strides 1 and 1
    [InlineData(1, 1, 20, 12, true, false, 0, false, true)]    // M = 1: a transposed (1, K) row, strides 1 and 1
    [InlineData(1, 33, 17, 13, false, false, 0, true, false)]
    [InlineData(1, 9, 6, 17, false, false, 0, false, false)]
    [InlineData(2, 8, 12, 8, true, true, 3, false, false)]
    public void V8WideLoads_MatchesReferenceInEveryLayout(int batch, int m, int n, int k, bool transposeA, bool transposeB, int offset, bool padded, bool wide) =>
        Check(nameof(MatMulKernels.Variant.V8WideLoads), batch, m, n, k, transposeA, accumulate: true, splitK: 1, transposeB, offset, padded, wide);

    /// <summary>Which (B, outer, K) operands take V8's 16-byte loads: a unit stride along outer or k with
    /// that extent a multiple of 4, everything else a multiple of 4 floats (the batch stride only with more
    /// than one batch).</summary>
    [Theory]
    [InlineData(0, 64, 8, 1, 2, 5, 8, true)]     // row-major (k contiguous)
    [InlineData(4, 64, 1, 8, 2, 8, 5, true)]     // transposed (outer contiguous)
    [InlineData(0, 64, 8, 1, 2, 5, 6, false)]    // k contiguous, K not a multiple of 4
    [InlineData(0, 64, 1, 8, 2, 6, 5, false)]    // outer contiguous, outer extent not a multiple of 4
    [InlineData(1, 64, 8, 1, 2, 5, 8, false)]    // offset not a multiple of 4
    [InlineData(0, 66, 8, 1, 2, 5, 8, false)]    // batch stride not a multiple of 4
    [InlineData(0, 66, 8, 1, 1, 5, 8, true)]     // ... which one batch never uses
    [InlineData(0, 64, 12, 1, 1, 5, 9, false)]   // row stride 12 but K 9
    [InlineData(0, 64, 1, 9, 1, 8, 5, false)]    // k stride 9 of a transposed operand
    [InlineData(0, 64, 8, 2, 1, 8, 8, false)]    // no unit stride
    [InlineData(0, 1, 1, 1, 1, 4, 4, false)]     // both unit: not a layout V8 reads
    public void WideLoadable_NeedsAUnitStrideAndAlignedOthers(int offset, int batchStride, int outerStride, int kStride, int batches, int outer, int k, bool expected) =>
        Assert.Equal(expected, MatMulKernels.WideLoadable(offset, batchStride, outerStride, kStride, batches, outer, k));

    private void Check(string variant, int batch, int m, int n, int k, bool transposeA, bool accumulate, int splitK,
        bool transposeB = false, int offset = 0, bool padded = false, bool? wide = null)
    {
        var backend = wideCpu.Backend;
        var rng = new Rng(1234);
        float[] Random(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)rng.NextNormal())];
        int Lead(int count) => padded ? (count + 3) / 4 * 4 : count;
        float[] av = Random(offset + batch * Math.Max(m * Lead(k), k * Lead(m))), bv = Random(offset + batch * Math.Max(k * Lead(n), n * Lead(k)));
        float[] cv = Random(batch * m * n);

        // An (B, rows, cols) operand whose values start at `offset` in its storage: stored (B, cols, rows)
        // and viewed transposed when `transposed`, else stored (B, rows, cols); each stored row has Lead(length) floats.
        Tensor Operand(float[] values, int rows, int cols, bool transposed, IBackend on)
        {
            var storage = Tensor.FromArray(values, [values.Length], on).Storage;
            return transposed
                ? new Tensor(storage, [batch, rows, cols], [cols * Lead(rows), 1, Lead(rows)], offset)
                : new Tensor(storage, [batch, rows, cols], [rows * Lead(cols), Lead(cols), 1], offset);
        }
        var a = Operand(av, m, k, transposeA, backend);
        var b = Operand(bv, k, n, transposeB, backend);
        var c = Tensor.FromArray(cv, [batch, m, n], backend);
        if (wide is bool expected) Assert.Equal(expected, IlgpuBackend.WideLoadable(IlgpuBackend.View(a), IlgpuBackend.View(b), new MatDims(batch, m, n, k, 0)));
        backend.MatMul(a, b, c, accumulate, Enum.Parse<MatMulKernels.Variant>(variant), splitK);

        var reference = Scratchgen.Backends.Backend.Reference;
        var aRef = Operand(av, m, k, transposeA, reference).To(reference, DType.Float64);
        var bRef = Operand(bv, k, n, transposeB, reference).To(reference, DType.Float64);
        var cRef = Tensor.FromArray(cv, [batch, m, n], reference).To(reference, DType.Float64);
        reference.MatMul(aRef, bRef, cRef, accumulate);
        Close.Assert(cRef.ToDoubleArray(), c.ToDoubleArray(), atol: 1e-5, rtol: 1e-4, $"{variant} ({batch}, {m}, {n}, {k}), split-K {splitK}");
    }
}
