using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The convolution GEMMs whose operand is an im2col matrix, written with the primitives every backend has
/// (Im2Col, MatMul): the default of <see cref="IBackend.Im2ColMatMul"/> and <see cref="IBackend.MatMulIm2ColT"/>.
/// A full im2col matrix is big (13 MB for the DCGAN's 64->128 layer), so the batch is walked in chunks of
/// images whose columns fit <see cref="ScratchFloats"/>: one scratch buffer per call, reused by every chunk.
/// The Cpu backend overrides both with a GEMM that reads the image directly (CpuBackend.ConvGemm.cs).
/// </summary>
internal static class ConvGemmLowering
{
    /// <summary>Target size of one chunk's im2col matrix: 2 MB of float32.</summary>
    public const int ScratchFloats = 1 << 19;

    /// <summary>Images per chunk: as many as keep the chunk's columns within <see cref="ScratchFloats"/> (at least 1).</summary>
    public static int ChunkImages(ConvGeometry g) => Math.Clamp(ScratchFloats / Math.Max(1, g.PatchSize * g.Positions), 1, g.N);

    /// <summary>yt (K, N OH OW) (+)= w (K, C R S) @ im2col(x), chunk by chunk of images.</summary>
    public static void Im2ColMatMul(IBackend backend, Tensor w, Tensor x, Tensor yt, ConvGeometry g, bool accumulate)
    {
        int chunk = ChunkImages(g), p = g.Positions;
        var scratch = Scratch(x, g, chunk);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = Prefix(scratch, g.PatchSize, count * p);
            backend.Im2Col(Images(x, n0, count), part, g with { N = count });
            backend.MatMul(As3D(w), As3D(part), As3D(ColumnRange(yt, n0 * p, count * p)), accumulate);
        }
    }

    /// <summary>dw (K, C R S) (+)= dyt (K, N OH OW) @ im2col(x)^T, summed chunk by chunk of images.</summary>
    public static void MatMulIm2ColT(IBackend backend, Tensor dyt, Tensor x, Tensor dw, ConvGeometry g, bool accumulate)
    {
        int chunk = ChunkImages(g), p = g.Positions;
        var scratch = Scratch(x, g, chunk);
        for (int n0 = 0; n0 < g.N; n0 += chunk)
        {
            int count = Math.Min(chunk, g.N - n0);
            var part = Prefix(scratch, g.PatchSize, count * p);
            backend.Im2Col(Images(x, n0, count), part, g with { N = count });
            var partT = new Tensor(part.Storage, [count * p, g.PatchSize], [1, count * p], part.Offset);
            backend.MatMul(As3D(ColumnRange(dyt, n0 * p, count * p)), As3D(partT), As3D(dw), accumulate || n0 > 0);
        }
    }

    /// <summary>A scratch buffer for the im2col matrix of one chunk of images, on like's backend and dtype.</summary>
    public static Tensor Scratch(Tensor like, ConvGeometry g, int chunk) =>
        new(like.Backend.Allocate(like.DType, g.PatchSize * chunk * g.Positions), [g.PatchSize * chunk * g.Positions]);

    /// <summary>The first rows x cols elements of a scratch buffer as a contiguous (rows, cols) matrix.</summary>
    public static Tensor Prefix(Tensor scratch, int rows, int cols) => new(scratch.Storage, [rows, cols], [cols, 1], scratch.Offset);

    /// <summary>Images [n0, n0 + count) of a contiguous (N, C, H, W) tensor.</summary>
    public static Tensor Images(Tensor t, int n0, int count)
    {
        int per = t.Numel / t.Dims[0];
        int[] dims = [count, .. t.Dims[1..]];
        return new Tensor(t.Storage, dims, Shapes.ContiguousStrides(dims), t.Offset + n0 * per);
    }

    /// <summary>Columns [c0, c0 + count) of a matrix with unit column stride (a view with the matrix's row stride).</summary>
    public static Tensor ColumnRange(Tensor m, int c0, int count) => new(m.Storage, [m.Dims[0], count], [m.StrideArray[0], 1], m.Offset + c0);

    /// <summary>A rank-2 view as the (1, rows, cols) batch MatMul takes.</summary>
    public static Tensor As3D(Tensor t) => new(t.Storage, [1, t.Dims[0], t.Dims[1]], [0, t.StrideArray[0], t.StrideArray[1]], t.Offset);
}
