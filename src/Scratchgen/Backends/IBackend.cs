using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The kernel interface: everything a backend must do, and nothing about autograd or models.
/// Ops validate shapes and allocate outputs; a backend only computes. Conventions:
/// <list type="bullet">
/// <item>Inputs are views with any strides (a stride of 0 is a broadcast dimension).</item>
/// <item>Outputs are contiguous tensors the op allocated, unless a method says otherwise.</item>
/// <item>All tensors of one call live on this backend and share one dtype.</item>
/// </list>
/// </summary>
public interface IBackend
{
    string Name { get; }

    bool Supports(DType dtype);

    /// <summary>A zero-filled buffer of <paramref name="length"/> elements.</summary>
    Storage Allocate(DType dtype, int length);

    /// <summary>Takes ownership of host data (the array must not be used by the caller afterwards).</summary>
    Storage Upload(float[] data);

    Storage Upload(double[] data);

    /// <summary>Copies the tensor's elements, in logical row-major order, to host memory.</summary>
    void Download(Tensor t, Span<float> dst);

    void Download(Tensor t, Span<double> dst);

    /// <summary>dst = src, element by element; both have the same shape, dst may be a strided view.</summary>
    void Copy(Tensor src, Tensor dst);

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

    /// <summary>y[i..] = x[i.. with i[axis] replaced by index[i..]]; index has y's shape, row-major.</summary>
    void Gather(Tensor x, int axis, int[] index, Tensor y);

    /// <summary>dst[i.. with i[axis] replaced by index[i..]] += src[i..]: the adjoint of Gather.</summary>
    void ScatterAdd(Tensor src, int axis, int[] index, Tensor dst);
}
