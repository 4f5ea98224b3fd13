using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The kernel interface: the primitives every backend must have, and nothing about autograd or models.
/// Ops validate shapes and allocate outputs; a backend only computes. Conventions:
/// <list type="bullet">
/// <item>Inputs are views with any strides (a stride of 0 is a broadcast dimension).</item>
/// <item>Outputs are contiguous tensors the op allocated, unless a method says otherwise.</item>
/// <item>All tensors of one call live on this backend and share one dtype.</item>
/// </list>
/// Kernels that only save passes or launches (a bias and an activation in one pass, batch norm in three, a list of
/// tensors per launch) are optional capabilities beside this interface (Backends/Capabilities): the ops ask for them
/// with <c>is</c> and otherwise compose the same result from these primitives (Ops/Lowering).
/// </summary>
public interface IBackend
{
    /// <summary>The backend's command-line name (Backend.FromName).</summary>
    string Name { get; }

    /// <summary>Whether this backend stores and computes tensors of the dtype.</summary>
    bool Supports(DType dtype);

    /// <summary>A zero-filled buffer of <paramref name="length"/> elements.</summary>
    Storage Allocate(DType dtype, int length);

    /// <summary>A buffer of <paramref name="length"/> elements whose contents are unspecified, for an
    /// output the caller's kernel writes in full before anything reads it. Skips the zero fill where the
    /// backend can (the Cpu backend's pooled arrays); by default the same as <see cref="Allocate"/>.</summary>
    Storage AllocateUninitialized(DType dtype, int length) => Allocate(dtype, length);

    /// <summary>Waits until every kernel launched so far has finished (GPU launches are asynchronous;
    /// host backends finish each kernel before returning). For timing, e.g. a synchronizing OpProfiler.</summary>
    void Synchronize() { }

    /// <summary>Takes ownership of host data (the array must not be used by the caller afterwards).</summary>
    Storage Upload(float[] data);

    /// <summary>Takes ownership of host data in float64 (backends that do not support it throw).</summary>
    Storage Upload(double[] data);

    /// <summary>A new buffer holding a copy of host data; the caller keeps its array (a staging buffer
    /// it reuses). Like <see cref="Allocate"/>, the buffer comes from the backend's pool where it has
    /// one and is recorded by an open <see cref="MemoryScope"/>, so a training step that uploads its
    /// batch allocates nothing new once warm. By default: <see cref="Upload(float[])"/> of a copy.</summary>
    Storage UploadCopy(ReadOnlySpan<float> data) => Upload(data.ToArray());

    /// <summary>Copies the tensor's elements, in logical row-major order, to host memory.</summary>
    void Download(Tensor t, Span<float> dst);

    /// <summary>As <see cref="Download(Tensor, Span{float})"/>, into float64.</summary>
    void Download(Tensor t, Span<double> dst);

    /// <summary>dst = src, element by element; both have the same shape, dst may be a strided view.</summary>
    void Copy(Tensor src, Tensor dst);

    /// <summary>Every element of dst (any strides) set to value.</summary>
    void Fill(Tensor dst, double value);

    /// <summary>y = f(x) elementwise. y may be x itself when x is contiguous (in place).</summary>
    void Map<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IUnaryFn;

    /// <summary>dx = dy * f'(x, y) elementwise: the fused first-order backward of a unary op.</summary>
    void MapBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor dx, TFn fn) where TFn : struct, IUnaryFn;

    /// <summary>y = f(a, b) elementwise; a and b are already broadcast (by strides) to y's shape.
    /// y may alias a when a is contiguous (in place).</summary>
    void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn;

    /// <summary>Reduces x into y, where y has x's rank and size 1 on every reduced axis.</summary>
    void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn;

    /// <summary>c[b] (+)= a[b] @ b[b] for rank-3 views a (B, M, K), b (B, K, N), c (B, M, N).
    /// a and b may be transposed views (either of the last two strides may be 1).</summary>
    void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate);

    /// <summary>One Adam update in a single pass, in place on p, m and v (same shape, contiguous); g may
    /// have any strides. The formula is <see cref="AdamStepParams.Apply{T}"/>.</summary>
    void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamStepParams h);

    /// <summary>y[i..] = x[i.. with i[axis] replaced by index[i..]]; index has y's shape, row-major.</summary>
    void Gather(Tensor x, int axis, int[] index, Tensor y);

    /// <summary>dst[i.. with i[axis] replaced by index[i..]] += src[i..]: the adjoint of Gather.</summary>
    void ScatterAdd(Tensor src, int axis, int[] index, Tensor dst);

    /// <summary>im2col: cols[(c R + r) S + s, (n OH + oh) OW + ow] = x[n, c, oh Stride - Padding + r Dilation,
    /// ow Stride - Padding + s Dilation], 0 where that falls in the padding. x: (N, C, H, W) and
    /// cols: (C R S, N OH OW) are contiguous; every element of cols is written.</summary>
    void Im2Col(Tensor x, Tensor cols, ConvGeometry g);

    /// <summary>col2im, the adjoint of <see cref="Im2Col"/>: x[n, c, ih, iw] += every cols entry that Im2Col
    /// reads from there. Accumulates into x, which the caller zeroes when it wants a plain result.</summary>
    void Col2Im(Tensor cols, Tensor x, ConvGeometry g);

    /// <summary>Max pooling's argmax: index[(n C + c) OH OW + oh OW + ow] = ih W + iw of the largest x in the
    /// window (padding is never chosen; the first of equal values wins). x: (N, C, H, W) contiguous.</summary>
    void MaxPool2dIndices(Tensor x, int[] index, ConvGeometry g);
}
