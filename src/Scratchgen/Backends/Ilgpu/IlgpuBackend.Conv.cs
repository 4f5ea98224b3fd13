using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Convolution lowering (im2col, col2im) and max pooling's argmax (Kernels/ConvKernels.cs).
// Operands must be contiguous, as IBackend documents; the geometry is checked against their sizes.
internal sealed partial class IlgpuBackend : IConvChunks
{
    public void Im2Col(Tensor x, Tensor cols, ConvGeometry g)
    {
        lock (_gate)
        {
            CheckConv("im2col", x, g);
            RequireContiguous("im2col", cols, g.PatchSize * g.Columns);
            if (cols.Numel == 0) return;
            Kernel("im2col", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvParams>(ConvKernels.Im2Col))(
                cols.Numel, Contiguous(x), Contiguous(cols), new ConvParams(g));
        }
    }

    public void Col2Im(Tensor cols, Tensor x, ConvGeometry g) => Col2Im(cols, x, g, ConvKernels.Col2ImAdd, null);

    /// <summary>col2im written in full, x = col2im(cols) + b (b optional; ConvKernels.Col2ImWrite, Col2ImWriteBias), so the
    /// transposed convolution's output needs no zero fill or bias copy first; the same bits as adding onto them.</summary>
    public void Col2ImInto(Tensor cols, Tensor x, Tensor? bias, ConvGeometry g) =>
        Col2Im(cols, x, g, bias != null ? ConvKernels.Col2ImWriteBias : ConvKernels.Col2ImWrite, bias);

    private void Col2Im(Tensor cols, Tensor x, ConvGeometry g, int mode, Tensor? bias)
    {
        lock (_gate)
        {
            CheckConv("col2im", x, g);
            RequireContiguous("col2im", cols, g.PatchSize * g.Columns);
            if (bias != null) RequireContiguous("col2im bias", bias, g.C);
            if (x.Numel == 0) return;
            Kernel("col2im", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvParams, int>(
                ConvKernels.Col2Im))(x.Numel, Contiguous(cols), Contiguous(x), Contiguous(bias ?? x), new ConvParams(g), mode);
        }
    }

    public void MaxPool2dIndices(Tensor x, int[] index, ConvGeometry g)
    {
        lock (_gate)
        {
            CheckConv("max pool", x, g);
            int count = g.N * g.C * g.OH * g.OW;
            if (index.Length < count) throw new ArgumentException($"max pool: index has {index.Length} entries, needs {count}");
            if (count == 0) return;
            var buffer = Ints.Rent(count);
            try
            {
                ArrayView<int> view = buffer.View.SubView(0, count);
                Kernel("max-pool-indices", null, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ConvParams>(ConvKernels.MaxPoolIndices))(
                    count, Contiguous(x), view, new ConvParams(g));
                view.CopyToCPU(index.AsSpan(0, count));
                DeviceToHostCopies++;
            }
            finally
            {
                Ints.Return(buffer);
            }
        }
    }

    private static void CheckConv(string op, Tensor x, ConvGeometry g)
    {
        if (!g.IsValid) throw new ArgumentException($"{op}: invalid geometry {g}");
        RequireContiguous(op, x, g.N * g.C * g.H * g.W);
    }

    private static void RequireContiguous(string op, Tensor t, int expected)
    {
        if (t.Numel != expected) throw new ShapeException(op, $"{t.Describe()} has {t.Numel} elements, the geometry needs {expected}");
        if (!t.IsContiguous) throw new ArgumentException($"{op}: {t.Describe()} must be contiguous");
        Check(op, t);
    }

    // The view starting at the tensor's first element (contiguous tensors only).
    private static ArrayView<float> Contiguous(Tensor t) => ViewOf(t).SubView(t.Offset, t.Numel);
}
