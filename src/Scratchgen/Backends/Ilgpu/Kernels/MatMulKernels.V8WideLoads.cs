using ILGPU;
using ILGPU.Runtime;

namespace Scratchgen.Backends.Ilgpu.Kernels;

internal static partial class MatMulKernels
{
    /// <summary>Floats per k row of both of V8's tiles: 128 plus 4 of padding (bank-conflict free stores
    /// whichever way the operand is laid out, see <see cref="KMajorOperand"/>).</summary>
    public const int V8Pitch = V4Block + 4;

    // V8: V7 with 16-byte global loads. V4-V7 fetch the next K slice as 8 scalar loads per thread, each
    // with its own bounds check and (batch, row, column) index arithmetic. Here each thread fetches one
    // Float4 of a's slice and one of b's, read along whichever dimension of the operand is contiguous
    // (KMajorOperand), so a row-major or a transposed operand both take the wide path: 2 loads per thread
    // per K step instead of 8, and 628 instructions per K step instead of V7's 673 (bench/gpu/sass_stats.py).
    // Needs whole, 16-byte aligned Float4s: the contiguous dimension has stride 1 and an extent that is a
    // multiple of 4, and every other stride and the offset are multiples of 4 (WideLoadable; IlgpuBackend
    // runs V7 otherwise). The other two dimensions may end anywhere (rows and k past the edge read as zero).
    // c block (128 x 128) = sum over K slices of a slice (128 x 8) @ b slice (8 x 128); per thread 8 x 8
    // outputs in V6's layout; the K step is V7's (8 written-out rank-1 steps).
    // Launch: explicit, grid (ceil(N/128), ceil(M/128), B), group (16, 16). Limits: see above.
    public static void V8WideLoads(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatView va, MatView vb, MatView vc, MatDims d)
    {
        const int Tile = V4Depth * V8Pitch;
        var tileA4 = SharedMemory.Allocate<Float4>(2 * Tile / 4); // [buffer][p][m / 4], rows of 33 Float4
        var tileB4 = SharedMemory.Allocate<Float4>(2 * Tile / 4); // [buffer][p][n / 4], rows of 33 Float4
        ArrayView<float> tileA = tileA4.Cast<float>(), tileB = tileB4.Cast<float>();
        ArrayView<Float4> a4 = a.AsAligned16().Cast<Float4>(), b4 = b.AsAligned16().Cast<Float4>();
        var opA = KMajorOperand.OfA(va, d.M);
        var opB = KMajorOperand.OfB(vb, d.N);
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * V4Threads + tx, q = Grid.IdxZ;
        int row0 = Grid.IdxY * V4Block, col0 = Grid.IdxX * V4Block;
        Float4 nextA = opA.Load(a4, q, row0, 0, d.K, t), nextB = opB.Load(b4, q, col0, 0, d.K, t);
        opA.Store(tileA4, tileA, 0, t, nextA);
        opB.Store(tileB4, tileB, 0, t, nextB);
        Group.Barrier();
        var acc = default(Accumulator8x8);
        int buffer = 0;
        for (int p0 = 0; p0 < d.K; p0 += V4Depth)
        {
            bool more = p0 + V4Depth < d.K;
            if (more)
            {
                nextA = opA.Load(a4, q, row0, p0 + V4Depth, d.K, t);
                nextB = opB.Load(b4, q, col0, p0 + V4Depth, d.K, t);
            }
            var sa = tileA4.SubView(buffer * Tile / 4 + ty); // as in V7: constant offsets from here on
            var sb = tileB4.SubView(buffer * Tile / 4 + tx);
            acc.Slice(sa, sb, V8Pitch / 4, V8Pitch / 4); // Float4 per k row
            if (more)
            {
                opA.Store(tileA4, tileA, (buffer ^ 1) * Tile, t, nextA);
                opB.Store(tileB4, tileB, (buffer ^ 1) * Tile, t, nextB);
            }
            Group.Barrier();
            buffer ^= 1;
        }
        acc.Store(c, vc, d, q, row0, col0, tx, ty, default(V6Layout));
    }

    /// <summary>Whether V8's 16-byte loads may read this operand, a (B, outer, K) matrix: a unit stride along
    /// outer or k, that dimension's extent a multiple of 4 (a Float4 never straddles the edge), and the
    /// offset and the other strides multiples of 4 floats (a batch stride only matters with more than one batch).</summary>
    public static bool WideLoadable(int offset, int batch, int outerStride, int kStride, int batches, int outerExtent, int k) =>
        offset % 4 == 0 && (batches == 1 || batch % 4 == 0) &&
        ((kStride == 1 && outerStride % 4 == 0 && k % 4 == 0) || (outerStride == 1 && kStride % 4 == 0 && outerExtent % 4 == 0));
}

/// <summary>
/// One operand of V8 as the kernel sees it: a (B, outer, K) matrix, outer = M for a (strides Row, Col)
/// and N for b (strides Col, Row), staged in shared memory k-major: tile[p V8Pitch + o] for the slice's
/// k = p0 + p, outer = outer0 + o. A slice is 128 x 8 = 256 Float4, one per thread t, taken along the
/// contiguous dimension:
/// - k contiguous (KStride 1): thread t reads outer o = t / 2, k = 4 (t % 2) .. + 3 and stores them as 4
///   scalars down the tile's column o. Bank of (4 (t % 2) + r) V8Pitch + t / 2 is (16 (t % 2) + 4 r + t / 2)
///   mod 32: the warp's 32 threads hit 32 banks for each r.
/// - outer contiguous (OuterStride 1): thread t reads k = t / 32, outer 4 (t % 32) .. + 3 and stores one
///   Float4 into the tile's row k.
/// </summary>
internal readonly struct KMajorOperand(int offset, int batch, int outerStride, int kStride, int outerExtent)
{
    private readonly int _offset = offset, _batch = batch, _outerStride = outerStride, _kStride = kStride, _outerExtent = outerExtent;

    public static KMajorOperand OfA(MatView va, int m) => new(va.Offset, va.Batch, va.Row, va.Col, m);

    public static KMajorOperand OfB(MatView vb, int n) => new(vb.Offset, vb.Batch, vb.Col, vb.Row, n);

    /// <summary>Thread t's Float4 of the slice (outer0 .. outer0 + 127) x (p0 .. p0 + 7); zero outside the matrix.
    /// Branch-free: the layout only selects the coordinates, and the one load is predicated, so the result
    /// lands in its registers without a join (a branchy version made ptxas copy the loaded registers right
    /// after the load, which waits for global memory before the K step's math instead of behind it).
    /// The contiguous dimension's extent is a multiple of 4 (host check), so a Float4 is inside or outside whole.</summary>
    public Float4 Load(ArrayView<Float4> x4, int q, int outer0, int p0, int k, int t)
    {
        bool alongK = _kStride == 1;
        int o = outer0 + (alongK ? t >> 1 : 4 * (t & 31));
        int p = p0 + (alongK ? 4 * (t & 1) : t >> 5);
        int index = _offset + q * _batch + o * _outerStride + p * _kStride;
        return o < _outerExtent && p < k ? x4[index >> 2] : default;
    }

    /// <summary>Stores thread t's Float4 into the k-major tile at float offset `offset`.</summary>
    public void Store(ArrayView<Float4> tile4, ArrayView<float> tile, int offset, int t, Float4 v)
    {
        const int P = MatMulKernels.V8Pitch;
        if (_kStride == 1)
        {
            int at = offset + 4 * (t & 1) * P + (t >> 1);
            tile[at] = v.X; tile[at + P] = v.Y; tile[at + 2 * P] = v.Z; tile[at + 3 * P] = v.W;
            return;
        }
        tile4[(offset + (t >> 5) * P + 4 * (t & 31)) / 4] = v;
    }
}
