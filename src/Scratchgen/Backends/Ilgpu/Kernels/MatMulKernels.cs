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

    /// <summary>The rung of that name (any case, e.g. "v8wideloads"), or null: how `--matmul` and SCRATCHGEN_MATMUL
    /// read a rung. Only names: a number is not a rung.</summary>
    public static Variant? Named(string? name) =>
        Enum.GetValues<Variant>().Cast<Variant?>().FirstOrDefault(r => r.ToString()!.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The fastest rung measured on a GPU so far (kernels-docs/ilgpu.md): the one that runs where
    /// tuning is off, and whose bits tuning keeps (IlgpuBackend.TuneMatMul).</summary>
    public const Variant Default = Variant.V5Vectorized;

    /// <summary>The tiled rungs: whatever their tiles, each output is one running sum of a_ik b_kj, fused
    /// multiply-adds from k = 0 up, so for a given split of K their results are the same bits
    /// (IlgpuMatMulTuningTests), and picking among them by speed changes no value. V1 sums K in blocks of 32.</summary>
    public static readonly Variant[] SameSums =
        [Variant.V2Tiled, Variant.V3RegisterBlocked, Variant.V4DoubleBuffered, Variant.V5Vectorized, Variant.V6ConflictFree, Variant.V7Unrolled, Variant.V8WideLoads];

    /// <summary>The same-sum rungs IlgpuBackend times per product shape (each costs a compile in the first step):
    /// V3, whose 64-wide blocks give 4 times as many groups where 128-wide tiles leave a GPU underfilled (a
    /// DCGAN step's 49-tile products); V5, the fastest measured at 1024-4096. V2 and V4 measured slower than V3
    /// and V5 at every size. Only rungs a GPU run has timed are candidates: V6, V7 and V8 have been checked
    /// against the Reference but never timed on a GPU (kernels-docs/matmul.md), so they run only when chosen by
    /// name (`--matmul`, <see cref="Named"/>) until a GPU run measures them.</summary>
    public static readonly Variant[] TuningCandidates = [Variant.V3RegisterBlocked, Variant.V5Vectorized];

    /// <summary>The tiled rungs no GPU run has timed yet: tested against the Reference, selectable by name, not tuned.</summary>
    public static readonly Variant[] UntimedOnGpu = [Variant.V6ConflictFree, Variant.V7Unrolled, Variant.V8WideLoads];
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
