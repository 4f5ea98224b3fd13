using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// c[q] (+)= a[q] @ b[q] through the selected rung of the matmul ladder (Kernels/MatMulKernels.*).
// Operands keep their strides (transposed views are read in place).
internal sealed partial class IlgpuBackend
{
    // The tiled rungs need 256 threads per group; an accelerator with fewer (ILGPU's default CPU
    // accelerator has 16) runs V1. On a GPU each product shape runs its tuned rung (.MatMulTuning).
    public void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        bool rank3 = a.Rank == 3 && b.Rank == 3 && c.Rank == 3;
        if (MatMulLog != null && rank3) MatMulLog.Add(MatMulShape.Of(a, b, c, accumulate));
        if (_accelerator.MaxNumThreadsPerGroup < 256)
            MatMul(a, b, c, accumulate, MatMulKernels.Variant.V1Naive);
        else if (TuneMatMul && !DryRun && rank3 && c.Numel > 0 && a.Dims[2] > 0 && c.Dims[0] == a.Dims[0] && c.Dims[1] == a.Dims[1])
            TunedMatMul(a, b, c, accumulate);
        else
            MatMul(a, b, c, accumulate, MatMulVariant);
    }

    /// <summary>Diagnostics: when set, every product the ops ask for (before any split-K) is appended, with
    /// its sizes and operand layouts; `Scratchgen.GpuRunner gemms` records a DCGAN step's products this way
    /// and times each against cuBLAS.</summary>
    internal List<MatMulShape>? MatMulLog { get; set; }

    internal void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate, MatMulKernels.Variant variant, int splitK = 0)
    {
        if (variant != MatMulKernels.Variant.V1Naive && a.Rank == 3 && c.Rank == 3)
        {
            int parts = splitK > 0 ? splitK : AutoSplitK(c.Dims[0], c.Dims[1], c.Dims[2], a.Dims[2], TileOf(variant), _accelerator.NumMultiprocessors);
            if (parts > 1 && c.Dims[0] == 1 && a.Dims[2] % parts == 0)
            {
                MatMulSplitK(a, b, c, accumulate, variant, parts);
                return;
            }
        }
        lock (_gate)
        {
            if (a.Rank != 3 || b.Rank != 3 || c.Rank != 3)
                throw new ShapeException("matmul", $"the backend takes rank-3 views, got {Shapes.Format(a.Dims)}, {Shapes.Format(b.Dims)}, {Shapes.Format(c.Dims)}");
            int batch = c.Dims[0], m = c.Dims[1], n = c.Dims[2], k = a.Dims[2];
            if (a.Dims[0] != batch || b.Dims[0] != batch || a.Dims[1] != m || b.Dims[1] != k || b.Dims[2] != n)
                throw new ShapeException("matmul", $"{Shapes.Format(a.Dims)} @ {Shapes.Format(b.Dims)} -> {Shapes.Format(c.Dims)} do not fit (B, M, K) @ (B, K, N) -> (B, M, N)");
            Check("matmul", a); Check("matmul", b); Check("matmul", c);
            if (c.Numel == 0) return;
            if (k == 0)
            {
                if (!accumulate) FillLocked(c, 0);
                return;
            }
            MatView va = View(a), vb = View(b), vc = View(c);
            var dims = new MatDims(batch, m, n, k, accumulate ? 1 : 0);
            if (variant == MatMulKernels.Variant.V1Naive)
            {
                Kernel("matmul-v1", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims>(
                    MatMulKernels.V1Naive))(c.Numel, ViewOf(a), ViewOf(b), ViewOf(c), va, vb, vc, dims);
                return;
            }
            if (variant == MatMulKernels.Variant.V8WideLoads && !WideLoadable(va, vb, dims))
                variant = MatMulKernels.Variant.V7Unrolled; // operands V8 cannot read 16 bytes at a time
            Tiled(Rung(variant), a, b, c, va, vb, vc, dims);
        }
    }

    /// <summary>
    /// Split-K: c (1, M, N) = sum over s of a[:, :, s-th chunk] @ b[:, s-th chunk, :], the S chunks of K
    /// run as one batched product into scratch (S, M, N) (the batch index is the chunk: plain strided
    /// views of a and b, nothing copied), then summed over s by the fixed-order reduction, so the result
    /// is deterministic. For products with few output tiles and a long K (a linear layer to one logit:
    /// (128 x 6272) @ (6272 x 1); a conv weight gradient: (128 x 3136) @ (3136 x 1024)), one group per
    /// tile would leave most multiprocessors idle while it walks all of K.
    /// </summary>
    private void MatMulSplitK(Tensor a, Tensor b, Tensor c, bool accumulate, MatMulKernels.Variant variant, int parts)
    {
        int m = c.Dims[1], n = c.Dims[2], chunk = a.Dims[2] / parts;
        var sa = a.StrideArray;
        var sb = b.StrideArray;
        var aParts = new Tensor(a.Storage, [parts, m, chunk], [chunk * sa[2], sa[1], sa[2]], a.Offset);
        var bParts = new Tensor(b.Storage, [parts, chunk, n], [chunk * sb[1], sb[1], sb[2]], b.Offset);
        using var partial = Temporary(parts * m * n, [parts, m, n]);
        MatMul(aParts, bParts, partial.Tensor, accumulate: false, variant, splitK: 1);
        if (!accumulate && c.IsContiguous)
        {
            SumParts(partial, ViewOf(c), c.Offset, m * n, parts);
            return;
        }
        using var sum = Temporary(m * n, [1, m, n]);
        SumParts(partial, sum.Storage.View, 0, m * n, parts);
        if (accumulate) Zip(c, sum.Tensor, c, default(Functors.AddFn));
        else Copy(sum.Tensor, c);
    }

    private void SumParts(ScratchTensor partial, ArrayView<float> dst, int dstOffset, int count, int parts)
    {
        lock (_gate)
            Kernel("matmul-split-k-sum", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(
                MatMulKernels.SumParts))(count, partial.Storage.View, dst, dstOffset, count, parts);
    }

    /// <summary>How many chunks of K to split a product into: enough groups to fill about every
    /// multiprocessor, chunks of at least 256, a count that divides K; 1 (no split) when the output
    /// tiles already fill a quarter of the device, for batched products, or for short K.</summary>
    internal static int AutoSplitK(int batch, int m, int n, int k, int tile, int multiprocessors)
    {
        if (batch != 1 || k < 1024) return 1;
        long tiles = (long)((m + tile - 1) / tile) * ((n + tile - 1) / tile);
        if (4 * tiles > multiprocessors) return 1; // a quarter of the device busy already: measured no gain at 1024^2 (64 tiles)
        long want = Math.Min(k / 256, (multiprocessors + tiles - 1) / tiles);
        for (long parts = want; parts >= 2; parts--)
            if (k % parts == 0) return (int)parts;
        return 1;
    }

    private static int TileOf(MatMulKernels.Variant variant) => Rung(variant).Block;

    /// <summary>An explicitly grouped rung: its kernel, the side of the block of c a group computes, and
    /// the side of the group (Threads x Threads threads).</summary>
    private readonly record struct TiledRung(string Name,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims> Kernel, int Block, int Threads);

    private static TiledRung Rung(MatMulKernels.Variant variant) => variant switch
    {
        MatMulKernels.Variant.V2Tiled => new("matmul-v2", MatMulKernels.V2Tiled, MatMulKernels.V2Tile, MatMulKernels.V2Tile),
        MatMulKernels.Variant.V3RegisterBlocked => new("matmul-v3", MatMulKernels.V3RegisterBlocked, MatMulKernels.V3Block, MatMulKernels.V3Threads),
        MatMulKernels.Variant.V4DoubleBuffered => new("matmul-v4", MatMulKernels.V4DoubleBuffered, MatMulKernels.V4Block, MatMulKernels.V4Threads),
        MatMulKernels.Variant.V5Vectorized => new("matmul-v5", MatMulKernels.V5Vectorized, MatMulKernels.V4Block, MatMulKernels.V4Threads),
        MatMulKernels.Variant.V6ConflictFree => new("matmul-v6", MatMulKernels.V6ConflictFree, MatMulKernels.V4Block, MatMulKernels.V4Threads),
        MatMulKernels.Variant.V7Unrolled => new("matmul-v7", MatMulKernels.V7Unrolled, MatMulKernels.V4Block, MatMulKernels.V4Threads),
        MatMulKernels.Variant.V8WideLoads => new("matmul-v8", MatMulKernels.V8WideLoads, MatMulKernels.V4Block, MatMulKernels.V4Threads),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a tiled matmul variant"),
    };

    // One group of Threads x Threads threads per Block x Block tile of c, z = batch.
    private void Tiled(TiledRung rung, Tensor a, Tensor b, Tensor c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        int threads = rung.Threads, block = rung.Block;
        if (_accelerator.MaxNumThreadsPerGroup < threads * threads)
            throw new NotSupportedException($"{rung.Name} needs {threads * threads} threads per group; {_accelerator.Name} allows {_accelerator.MaxNumThreadsPerGroup}");
        var grid = new Index3D((d.N + block - 1) / block, (d.M + block - 1) / block, d.Batch);
        Kernel(rung.Name, null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims>(rung.Kernel))(
            new KernelConfig(grid, new Index3D(threads, threads, 1)), ViewOf(a), ViewOf(b), ViewOf(c), va, vb, vc, d);
    }

    /// <summary>Whether both operands suit V8's 16-byte loads (a: outer M, strides Row / Col; b: outer N, strides Col / Row).</summary>
    internal static bool WideLoadable(MatView va, MatView vb, MatDims d) =>
        MatMulKernels.WideLoadable(va.Offset, va.Batch, va.Row, va.Col, d.Batch, d.M, d.K) &&
        MatMulKernels.WideLoadable(vb.Offset, vb.Batch, vb.Col, vb.Row, d.Batch, d.N, d.K);

    /// <summary>A rank-3 view's addressing; a dimension of extent 1 gets stride 0 (its stride never moves the
    /// address), so a (1, K) row or a (M, 1) column is not taken for a matrix contiguous both ways, and V8 reads
    /// it 16 bytes at a time along its other dimension.</summary>
    internal static MatView View(Tensor t)
    {
        var (d, s) = (t.Dims, t.StrideArray);
        return new(t.Offset, d[0] == 1 ? 0 : s[0], d[1] == 1 ? 0 : s[1], d[2] == 1 ? 0 : s[2]);
    }

    private void FillLocked(Tensor dst, float value)
    {
        var (shape, s) = ViewPlanner.Plan("fill", dst.Dims, dst);
        Kernel("fill", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ViewShape, ViewStrides, float>(
            ElementwiseKernels.Fill))(dst.Numel, ViewOf(dst), shape, s[0], value);
    }
}
