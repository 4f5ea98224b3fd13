using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Views the convolution ops hand to the conv GEMMs (ConvGemmLowering.Im2ColMatMul, MatMulIm2ColT,
/// Col2ImMatMul). None of these record on the tape: the ops call them on raw values.
/// </summary>
internal static class ConvLowering
{
    /// <summary>A weight (K, C, R, S) as the matrix (K, C R S).</summary>
    public static Tensor AsMatrix(Tensor w) => Dense(w).ViewAs([w.Dims[0], w.Numel / w.Dims[0]]);

    /// <summary>The bias b: (C) broadcast to (N, C, H, W).</summary>
    public static Tensor BiasPlanes(Tensor b, int[] shape) => new(b.Storage, shape, [0, b.StrideArray[0], 0, 0], b.Offset);

    /// <summary>t's values, contiguous, off the tape.</summary>
    public static Tensor Dense(Tensor t) => t.IsContiguous ? t.Detach() : t.Detach().Clone();
}
