using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The shared shape of the elementwise binary ops y = f(a, b) with NumPy broadcasting: the output
/// shape is the broadcast of both shapes, both inputs are viewed at that shape with zero strides
/// (no copy), and one generic Zip kernel computes it. Backward returns gradients at the output shape;
/// the engine sums each one down to its input's shape (that sum is broadcasting's adjoint).
/// </summary>
internal abstract class BinaryOp<TFn>(Tensor a, Tensor b, TFn fn) : Op(a, b) where TFn : struct, IBinaryFn
{
    protected readonly Tensor A = a, B = b;
    protected Tensor Y = null!;

    protected override Tensor Forward()
    {
        var shape = Shapes.Broadcast(Name, A.Dims, B.Dims);
        Y = NewOverwrittenOutput(shape);
        Backend.Zip(A.BroadcastView(shape), B.BroadcastView(shape), Y, fn);
        return Y;
    }
}

/// <summary>Elementwise binary helpers that are constants to autograd (comparison masks).</summary>
internal static class BinaryMasks
{
    public static Tensor Zip<TFn>(Tensor a, Tensor b, TFn fn) where TFn : struct, IBinaryFn
    {
        var shape = Shapes.Broadcast("mask", a.Dims, b.Dims);
        var y = a.NewEmpty(shape);
        a.Backend.Zip(a.BroadcastView(shape), b.BroadcastView(shape), y, fn);
        return y;
    }
}
