using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The convolution's GEMMs: the backend's <see cref="IConvGemm"/> (GEMMs that read and write the NCHW tensors and
/// the image directly) where it has it, else the chunked lowering written with the primitives every backend has
/// (Im2Col, Col2Im, MatMul, Copy, Zip). The batch becomes the GEMM's column dimension (N OH OW), so an NCHW
/// tensor (N, K, OH, OW) is reordered to the channels-first matrix (K, N OH OW) and back. A full im2col
/// matrix is big (13 MB for the DCGAN's 64->128 layer), so the batch is walked in chunks of images whose
/// columns fit the scratch size (<see cref="IConvChunks"/>: 2 MB by default): one scratch buffer per call, reused
/// by every chunk, and the col2im or GEMM that reads a chunk finds it still in cache.
/// </summary>
internal static class ConvGemmLowering
{
    /// <summary>y (N, K, OH, OW) (+)= W (K, C R S) @ im2col(x), with x (N, C, H, W); w, x and y contiguous.</summary>
    public static void Im2ColMatMul(this IBackend backend, Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate)
    {
        if (backend is IConvGemm gemm) gemm.Im2ColMatMul(w, x, y, g, accumulate);
        else ChunkedIm2ColMatMul(backend, w, x, y, g, accumulate, bias: null);
    }

    /// <summary>The convolution with its bias, y (N, K, OH, OW) = W @ im2col(x) + b[k], y written in full. With
    /// <see cref="IConvGemm"/>: the bias copied into y, then the GEMM accumulating onto it. Chunked: the GEMM without
    /// accumulation, then one Zip that adds the bias (a zero-stride view over images and positions) while it reorders
    /// (K, N OH OW) into y, three launches a chunk. Either way each value is the product's sum plus the bias, one
    /// float add.</summary>
    public static void Im2ColMatMulBias(this IBackend backend, Tensor w, Tensor x, Tensor b, Tensor y, ConvGeometry g)
    {
        if (backend is not IConvGemm gemm)
        {
            ChunkedIm2ColMatMul(backend, w, x, y, g, accumulate: false, bias: b);
            return;
        }
        backend.Copy(ConvLowering.BiasPlanes(b, y.Dims), y);
        gemm.Im2ColMatMul(w, x, y, g, accumulate: true);
    }

    /// <summary>dW (K, C R S) (+)= dY^T (K, N OH OW) @ im2col(x)^T, with dy (N, K, OH, OW) and x (N, C, H, W); all contiguous.</summary>
    public static void MatMulIm2ColT(this IBackend backend, Tensor dy, Tensor x, Tensor dw, ConvGeometry g, bool accumulate)
    {
        if (backend is IConvGemm gemm) gemm.MatMulIm2ColT(dy, x, dw, g, accumulate);
        else ChunkedMatMulIm2ColT(backend, dy, x, dw, g, accumulate);
    }

    /// <summary>y (N, C, H, W) += col2im(W^T (C R S, K) @ X^T (K, N OH OW)), with x (N, K, OH, OW): the convolution's input
    /// gradient and the transposed convolution's forward.</summary>
    public static void Col2ImMatMul(this IBackend backend, Tensor w, Tensor x, Tensor y, ConvGeometry g)
    {
        if (backend is IConvGemm gemm) gemm.Col2ImMatMul(w, x, y, g);
        else ChunkedCol2ImMatMul(backend, w, x, y, g, backend.Col2Im);
    }

    /// <summary>The same product written in full with an optional bias: y = col2im(W^T @ X^T) + b[c] (b (C) or null: 0).
    /// With <see cref="IConvChunks"/> each chunk's col2im writes its images (no fill or bias copy first); otherwise y is
    /// filled with the bias planes or zeros, then <see cref="Col2ImMatMul"/> adds onto it. The same bits either way.</summary>
    public static void Col2ImMatMulInto(this IBackend backend, Tensor w, Tensor x, Tensor? b, Tensor y, ConvGeometry g)
    {
        if (backend is IConvChunks chunks && backend is not IConvGemm)
        {
            ChunkedCol2ImMatMul(backend, w, x, y, g, (cols, images, chunk) => chunks.Col2ImInto(cols, images, b, chunk));
            return;
        }
        if (b != null) backend.Copy(ConvLowering.BiasPlanes(b, y.Dims), y);
        else backend.Fill(y, 0);
        backend.Col2ImMatMul(w, x, y, g);
    }

    /// <summary>Floats of im2col columns per chunk on this backend.</summary>
    public static int ScratchFloats(IBackend backend) => backend is IConvChunks chunks ? chunks.ConvScratchFloats : IConvChunks.DefaultScratchFloats;

    /// <summary>Images per chunk: as many as keep the chunk's columns within <paramref name="scratchFloats"/> (at least 1).</summary>
    public static int ChunkImages(ConvGeometry g, int scratchFloats) =>
        Math.Clamp(scratchFloats / Math.Max(1, g.PatchSize * g.Positions), 1, g.N);

    /// <summary>Per chunk: (when accumulating) y reordered into the GEMM's (K, count P) layout, im2col, the GEMM, then y
    /// written back in NCHW: a copy, or with a bias a Zip that adds it on the way.</summary>
    public static void ChunkedIm2ColMatMul(IBackend backend, Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate, Tensor? bias)
    {
        int chunk = ChunkImages(g, ScratchFloats(backend)), p = g.Positions;
        var cols = Scratch(x, g.PatchSize * chunk * p);
        var yt = Scratch(x, g.K * chunk * p);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = Prefix(cols, g.PatchSize, count * p);
            var ytPart = Prefix(yt, g.K, count * p);
            var yImages = Reshaped(Images(y, n0, count), [count, g.K, p]);
            if (accumulate) backend.Copy(ChannelsFirstView(yImages, count, g.K, p), Reshaped(ytPart, [g.K, count, p]));
            backend.Im2Col(Images(x, n0, count), part, g with { N = count });
            backend.MatMul(As3D(w), As3D(part), As3D(ytPart), accumulate);
            if (bias == null) backend.Copy(BatchFirstView(ytPart, count, g.K, p), yImages);
            else backend.Zip(BatchFirstView(ytPart, count, g.K, p), new Tensor(bias.Storage, [count, g.K, p], [0, bias.StrideArray[0], 0], bias.Offset),
                yImages, default(AddFn));
        }
    }

    /// <summary>dW (+)= dY^T @ im2col(x)^T, summed chunk by chunk.</summary>
    public static void ChunkedMatMulIm2ColT(IBackend backend, Tensor dy, Tensor x, Tensor dw, ConvGeometry g, bool accumulate)
    {
        int chunk = ChunkImages(g, ScratchFloats(backend)), p = g.Positions;
        var cols = Scratch(x, g.PatchSize * chunk * p);
        var dyt = Scratch(x, g.K * chunk * p);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = Prefix(cols, g.PatchSize, count * p);
            var dytPart = Prefix(dyt, g.K, count * p);
            backend.Copy(ChannelsFirstView(Images(dy, n0, count), count, g.K, p), Reshaped(dytPart, [g.K, count, p]));
            backend.Im2Col(Images(x, n0, count), part, g with { N = count });
            var partT = new Tensor(part.Storage, [count * p, g.PatchSize], [1, count * p], part.Offset);
            backend.MatMul(As3D(dytPart), As3D(partT), As3D(dw), accumulate || n0 > 0);
        }
    }

    /// <summary>col2im(W^T @ X^T) into y, chunk by chunk, the last step of each chunk given: col2im of the chunk's
    /// columns into its images (`col2im(cols, images, chunk geometry)`), which may add (IBackend.Col2Im) or write.</summary>
    public static void ChunkedCol2ImMatMul(IBackend backend, Tensor w, Tensor x, Tensor y, ConvGeometry g, Action<Tensor, Tensor, ConvGeometry> col2im)
    {
        int chunk = ChunkImages(g, ScratchFloats(backend)), p = g.Positions;
        var cols = Scratch(x, g.PatchSize * chunk * p);
        var xt = Scratch(x, g.K * chunk * p);
        var wt = new Tensor(w.Storage, [g.PatchSize, g.K], [1, g.PatchSize], w.Offset);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = Prefix(cols, g.PatchSize, count * p);
            var xtPart = Prefix(xt, g.K, count * p);
            backend.Copy(ChannelsFirstView(Images(x, n0, count), count, g.K, p), Reshaped(xtPart, [g.K, count, p]));
            backend.MatMul(As3D(wt), As3D(xtPart), As3D(part), accumulate: false);
            col2im(part, Images(y, n0, count), g with { N = count });
        }
    }

    // t (count, K, P) contiguous, seen as (K, count, P).
    private static Tensor ChannelsFirstView(Tensor t, int count, int k, int p) => new(t.Storage, [k, count, p], [p, k * p, 1], t.Offset);

    // m (K, count P) contiguous, seen as (count, K, P).
    private static Tensor BatchFirstView(Tensor m, int count, int k, int p) => new(m.Storage, [count, k, p], [p, count * p, 1], m.Offset);

    // Every scratch element a chunk reads was first written by the chunk's im2col, GEMM or reorder: no zero fill.
    private static Tensor Scratch(Tensor like, int length) => new(like.Backend.AllocateUninitialized(like.DType, length), [length]);

    // The first rows x cols elements of a scratch buffer as a contiguous (rows, cols) matrix.
    private static Tensor Prefix(Tensor scratch, int rows, int cols) => new(scratch.Storage, [rows, cols], [cols, 1], scratch.Offset);

    // Images [n0, n0 + count) of a contiguous (N, ...) tensor.
    private static Tensor Images(Tensor t, int n0, int count)
    {
        int per = t.Numel / t.Dims[0];
        int[] dims = [count, .. t.Dims[1..]];
        return new Tensor(t.Storage, dims, Shapes.ContiguousStrides(dims), t.Offset + n0 * per);
    }

    // A contiguous tensor's elements in another shape.
    private static Tensor Reshaped(Tensor t, int[] dims) => new(t.Storage, dims, Shapes.ContiguousStrides(dims), t.Offset);

    // A rank-2 view as the (1, rows, cols) batch MatMul takes.
    private static Tensor As3D(Tensor t) => new(t.Storage, [1, t.Dims[0], t.Dims[1]], [0, t.StrideArray[0], t.StrideArray[1]], t.Offset);
}
