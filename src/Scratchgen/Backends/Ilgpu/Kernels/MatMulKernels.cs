namespace Scratchgen.Backends.Ilgpu.Kernels;

/// <summary>
/// SGEMM for rank-3 views: c[q, i, j] (+)= sum_p a[q, i, p] b[q, p, j], a: (B, M, K), b: (B, K, N), c: (B, M, N).
/// Every operand is addressed through its own (batch, row, column) strides, so transposed views need
/// no copy. The variants form a ladder (kernels-docs/ilgpu.md); each is a static method in its own
/// file, kept, tested against the Reference and benchmarked. IlgpuBackend uses <see cref="Default"/>.
/// </summary>
internal static partial class MatMulKernels
{
    public enum Variant { V1Naive, V2Tiled, V3RegisterBlocked, V4DoubleBuffered, V5Vectorized, V6ConflictFree, V7Unrolled, V8WideLoads }

    /// <summary>The fastest variant measured on a GPU (see kernels-docs/ilgpu.md).</summary>
    public const Variant Default = Variant.V5Vectorized;
}

/// <summary>One operand's addressing: element (q, i, j) is at Offset + q Batch + i Row + j Col.</summary>
internal readonly struct MatView(int offset, int batch, int row, int col)
{
    public readonly int Offset = offset, Batch = batch, Row = row, Col = col;

    public int At(int q, int i, int j) => Offset + q * Batch + i * Row + j * Col;
}

/// <summary>Problem sizes; Accumulate is 1 for c += a b, 0 for c = a b.</summary>
internal readonly struct MatDims(int batch, int m, int n, int k, int accumulate)
{
    public readonly int Batch = batch, M = m, N = n, K = k, Accumulate = accumulate;
}
