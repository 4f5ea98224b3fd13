using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// c[q] (+)= a[q] @ b[q] through the selected rung of the matmul ladder (Kernels/MatMulKernels.*).
// Operands keep their strides (transposed views are read in place).
public sealed partial class IlgpuBackend
{
    // The tiled rungs need 256 threads per group; an accelerator with fewer (ILGPU's default CPU
    // accelerator has 16) runs V1.
    public void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        MatMul(a, b, c, accumulate, _accelerator.MaxNumThreadsPerGroup >= 256 ? MatMulVariant : MatMulKernels.Variant.V1Naive);

    internal void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate, MatMulKernels.Variant variant)
    {
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
            switch (variant)
            {
                case MatMulKernels.Variant.V1Naive:
                    Kernel("matmul-v1", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims>(
                        MatMulKernels.V1Naive))(c.Numel, ViewOf(a), ViewOf(b), ViewOf(c), va, vb, vc, dims);
                    break;
                case MatMulKernels.Variant.V2Tiled:
                    Tiled("matmul-v2", MatMulKernels.V2Tiled, MatMulKernels.V2Tile, MatMulKernels.V2Tile, a, b, c, va, vb, vc, dims);
                    break;
                case MatMulKernels.Variant.V3RegisterBlocked:
                    Tiled("matmul-v3", MatMulKernels.V3RegisterBlocked, MatMulKernels.V3Block, MatMulKernels.V3Threads, a, b, c, va, vb, vc, dims);
                    break;
                case MatMulKernels.Variant.V4DoubleBuffered:
                    Tiled("matmul-v4", MatMulKernels.V4DoubleBuffered, MatMulKernels.V4Block, MatMulKernels.V4Threads, a, b, c, va, vb, vc, dims);
                    break;
                case MatMulKernels.Variant.V5Vectorized:
                    Tiled("matmul-v5", MatMulKernels.V5Vectorized, MatMulKernels.V4Block, MatMulKernels.V4Threads, a, b, c, va, vb, vc, dims);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown matmul variant");
            }
        }
    }

    // Explicitly grouped rungs: one group of threads x threads per block x block tile of c, z = batch.
    private void Tiled(string name, Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims> kernel,
        int block, int threads, Tensor a, Tensor b, Tensor c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        if (_accelerator.MaxNumThreadsPerGroup < threads * threads)
            throw new NotSupportedException($"{name} needs {threads * threads} threads per group; {_accelerator.Name} allows {_accelerator.MaxNumThreadsPerGroup}");
        var grid = new Index3D((d.N + block - 1) / block, (d.M + block - 1) / block, d.Batch);
        Kernel(name, null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatView, MatView, MatView, MatDims>(kernel))(
            new KernelConfig(grid, new Index3D(threads, threads, 1)), ViewOf(a), ViewOf(b), ViewOf(c), va, vb, vc, d);
    }

    private static MatView View(Tensor t) => new(t.Offset, t.StrideArray[0], t.StrideArray[1], t.StrideArray[2]);

    private void FillLocked(Tensor dst, float value)
    {
        var (shape, s) = ViewPlanner.Plan("fill", dst.Dims, dst);
        Kernel("fill", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ViewShape, ViewStrides, float>(
            ElementwiseKernels.Fill))(dst.Numel, ViewOf(dst), shape, s[0], value);
    }
}
