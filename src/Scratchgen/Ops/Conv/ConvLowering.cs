using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The pieces the convolution ops are lowered to, on any backend: a GEMM over the whole batch and the
/// reordering between batch-first (N, K, P) and channels-first (K, N P) layouts that lets the whole batch
/// be one GEMM (for the DCGAN's 64->128 layer: 128 x 3136 x 1024 instead of 64 GEMMs of 128 x 49 x 1024).
/// The GEMMs with an im2col operand are backend primitives (IBackend.Im2ColMatMul, MatMulIm2ColT; chunking
/// in ConvGemmLowering). None of these record on the tape: the ops call them on raw values.
/// </summary>
internal static class ConvLowering
{
    /// <summary>c (M, N) (+)= a (M, K) @ b (K, N) on rank-2 views (a and b may be transposed views).</summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        a.Backend.MatMul(As3D(a), As3D(b), As3D(c), accumulate);

    /// <summary>t: (N, K, H, W) reordered to (K, N H W), contiguous.</summary>
    public static Tensor ChannelsFirst(Tensor t)
    {
        int n = t.Dims[0], k = t.Dims[1], p = t.Dims[2] * t.Dims[3];
        var src = Dense(t);
        var y = t.NewEmpty([k, n * p]);
        var view = new Tensor(src.Storage, [k, n, p], [p, k * p, 1], src.Offset);
        t.Backend.Copy(view, y.ViewAs([k, n, p]));
        return y;
    }

    /// <summary>y (N, K, H, W) = yt (K, N H W) reordered.</summary>
    public static void BatchFirst(Tensor yt, Tensor y)
    {
        int n = y.Dims[0], k = y.Dims[1], p = y.Dims[2] * y.Dims[3];
        var view = new Tensor(yt.Storage, [n, k, p], [p, n * p, 1], yt.Offset);
        y.Backend.Copy(view, y.ViewAs([n, k, p]));
    }

    /// <summary>A weight (K, C, R, S) as the matrix (K, C R S).</summary>
    public static Tensor AsMatrix(Tensor w) => Dense(w).ViewAs([w.Dims[0], w.Numel / w.Dims[0]]);

    /// <summary>The bias b: (K) broadcast over the columns of a (K, columns) matrix.</summary>
    public static Tensor BiasRows(Tensor b, int columns) => new(b.Storage, [b.Dims[0], columns], [b.StrideArray[0], 0], b.Offset);

    /// <summary>The bias b: (C) broadcast to (N, C, H, W).</summary>
    public static Tensor BiasPlanes(Tensor b, int[] shape) => new(b.Storage, shape, [0, b.StrideArray[0], 0, 0], b.Offset);

    /// <summary>t's values, contiguous, off the tape.</summary>
    public static Tensor Dense(Tensor t) => t.IsContiguous ? t.Detach() : t.Detach().Clone();

    private static Tensor As3D(Tensor t) => new(t.Storage, [1, t.Dims[0], t.Dims[1]], [0, t.StrideArray[0], t.StrideArray[1]], t.Offset);
}
