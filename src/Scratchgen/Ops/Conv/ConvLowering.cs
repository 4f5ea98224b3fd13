using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The pieces every convolution op is lowered to, on any backend: im2col, a GEMM over the whole batch,
/// and the reordering between batch-first (N, K, P) and channels-first (K, N P) layouts that lets the
/// whole batch be one GEMM (for the DCGAN's 64->128 layer: 128 x 3136 x 1024 instead of 64 GEMMs of
/// 128 x 49 x 1024). None of these record on the tape: the ops call them on raw values.
/// A full im2col matrix is big (13 MB for that layer), so the ops walk the batch in chunks of images
/// whose columns fit <see cref="ScratchFloats"/>: one scratch buffer per call, reused by every chunk,
/// and the col2im or GEMM that reads a chunk finds it still in cache.
/// </summary>
internal static class ConvLowering
{
    /// <summary>Target size of one chunk's im2col matrix: 2 MB of float32.</summary>
    public const int ScratchFloats = 1 << 19;

    /// <summary>Images per chunk: as many as keep the chunk's columns within <see cref="ScratchFloats"/> (at least 1).</summary>
    public static int ChunkImages(ConvGeometry g) => Math.Clamp(ScratchFloats / Math.Max(1, g.PatchSize * g.Positions), 1, g.N);

    /// <summary>A scratch buffer for the im2col matrix of one chunk of images.</summary>
    public static Tensor Scratch(Tensor like, ConvGeometry g, int chunk) => like.NewEmpty([g.PatchSize * chunk * g.Positions]);

    /// <summary>The first rows x cols elements of a scratch buffer as a contiguous (rows, cols) matrix.</summary>
    public static Tensor Prefix(Tensor scratch, int rows, int cols) => new(scratch.Storage, [rows, cols], [cols, 1], scratch.Offset);

    /// <summary>Images [n0, n0 + count) of a contiguous (N, C, H, W) tensor.</summary>
    public static Tensor Images(Tensor t, int n0, int count)
    {
        int per = t.Numel / t.Dims[0];
        int[] dims = [count, .. t.Dims[1..]];
        return new Tensor(t.Storage, dims, Shapes.ContiguousStrides(dims), t.Offset + n0 * per);
    }

    /// <summary>Columns [c0, c0 + count) of a contiguous matrix (a view with the matrix's row stride).</summary>
    public static Tensor ColumnRange(Tensor m, int c0, int count) => new(m.Storage, [m.Dims[0], count], [m.StrideArray[0], 1], m.Offset + c0);

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
