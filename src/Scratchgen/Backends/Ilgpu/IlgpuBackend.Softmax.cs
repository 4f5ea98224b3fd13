using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Softmax and log-softmax rows (Kernels/SoftmaxKernels.cs): one group per row. Operands that are not
// contiguous (rows, L) matrices are declined (the op composes them).
internal sealed partial class IlgpuBackend : IFusedSoftmax
{
    public bool TrySoftmax(Tensor x, Tensor y, bool log)
    {
        if (!IsRows(x, y)) return false;
        lock (_gate)
        {
            Check("softmax", x); Check("softmax", y);
            if (y.Numel == 0) return true;
            int rows = x.Dims[0];
            Kernel("softmax", null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(SoftmaxKernels.Forward))(
                new KernelConfig(Math.Min(rows, 65535), GroupSize), Contiguous(x), Contiguous(y), rows, x.Dims[1], log ? 1 : 0);
        }
        return true;
    }

    public bool TrySoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        if (!IsRows(y, dy, dx)) return false;
        lock (_gate)
        {
            Check("softmax backward", y); Check("softmax backward", dy); Check("softmax backward", dx);
            if (dx.Numel == 0) return true;
            int rows = y.Dims[0];
            Kernel("softmax-backward", null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(SoftmaxKernels.Backward))(
                new KernelConfig(Math.Min(rows, 65535), GroupSize), Contiguous(y), Contiguous(dy), Contiguous(dx), rows, y.Dims[1], log ? 1 : 0);
        }
        return true;
    }

    // Contiguous rank-2 tensors of one shape.
    private static bool IsRows(Tensor first, params Tensor[] others) =>
        first.Rank == 2 && first.IsContiguous && others.All(t => t.IsContiguous && Shapes.Equal(t.Dims, first.Dims));
}
