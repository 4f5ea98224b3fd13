using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Softmax and log-softmax rows (Kernels/SoftmaxKernels.cs): one group per row. Operands that are not
// contiguous (rows, L) matrices take the composed SoftmaxLowering.
public sealed partial class IlgpuBackend
{
    public void Softmax(Tensor x, Tensor y, bool log)
    {
        if (!IsRows(x, y))
        {
            SoftmaxLowering.Forward(this, x, y, log);
            return;
        }
        lock (_gate)
        {
            Check("softmax", x); Check("softmax", y);
            if (y.Numel == 0) return;
            int rows = x.Dims[0];
            Kernel("softmax", null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(SoftmaxKernels.Forward))(
                new KernelConfig(Math.Min(rows, 65535), GroupSize), Contiguous(x), Contiguous(y), rows, x.Dims[1], log ? 1 : 0);
        }
    }

    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        if (!IsRows(y, dy, dx))
        {
            SoftmaxLowering.Backward(this, y, dy, dx, log);
            return;
        }
        lock (_gate)
        {
            Check("softmax backward", y); Check("softmax backward", dy); Check("softmax backward", dx);
            if (dx.Numel == 0) return;
            int rows = y.Dims[0];
            Kernel("softmax-backward", null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(SoftmaxKernels.Backward))(
                new KernelConfig(Math.Min(rows, 65535), GroupSize), Contiguous(y), Contiguous(dy), Contiguous(dx), rows, y.Dims[1], log ? 1 : 0);
        }
    }

    // Contiguous rank-2 tensors of one shape.
    private static bool IsRows(Tensor first, params Tensor[] others) =>
        first.Rank == 2 && first.IsContiguous && others.All(t => t.IsContiguous && Shapes.Equal(t.Dims, first.Dims));
}
