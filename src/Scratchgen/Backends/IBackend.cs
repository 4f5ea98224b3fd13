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

    /// <summary>A buffer of <paramref name="length"/> elements whose contents are unspecified, for an
    /// output the caller's kernel writes in full before anything reads it. Skips the zero fill where the
    /// backend can (the Cpu backend's pooled arrays); by default the same as <see cref="Allocate"/>.</summary>
    Storage AllocateUninitialized(DType dtype, int length) => Allocate(dtype, length);

    /// <summary>Waits until every kernel launched so far has finished (GPU launches are asynchronous;
    /// host backends finish each kernel before returning). For timing, e.g. a synchronizing OpProfiler.</summary>
    void Synchronize() { }

    /// <summary>Takes ownership of host data (the array must not be used by the caller afterwards).</summary>
    Storage Upload(float[] data);

    Storage Upload(double[] data);

    /// <summary>A new buffer holding a copy of host data; the caller keeps its array (a staging buffer
    /// it reuses). Like <see cref="Allocate"/>, the buffer comes from the backend's pool where it has
    /// one and is recorded by an open <see cref="MemoryScope"/>, so a training step that uploads its
    /// batch allocates nothing new once warm. By default: <see cref="Upload(float[])"/> of a copy.</summary>
    Storage UploadCopy(ReadOnlySpan<float> data) => Upload(data.ToArray());

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

    /// <summary>Fused bias + activation: z += bias, then y = f(z), elementwise in one pass; bias is already
    /// broadcast (by strides) to z's shape (a linear layer's (O) along the rows, a conv's (K) over the planes).
    /// z and y are contiguous outputs of the caller; z keeps the pre-activation for the backward
    /// (<see cref="MapBackward"/> with x = z). Default: a Zip and a Map.</summary>
    void BiasMap<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn => BiasMapComposite(z, bias, y, fn);

    /// <summary><see cref="BiasMap"/> as a Zip and a Map: the default, and the fallback of fused versions.</summary>
    internal void BiasMapComposite<TFn>(Tensor z, Tensor bias, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        Zip(z, bias, z, default(Ops.AddFn));
        Map(z, y, fn);
    }

    /// <summary>y = f(a, b) elementwise; a and b are already broadcast (by strides) to y's shape.
    /// y may alias a when a is contiguous (in place).</summary>
    void Zip<TFn>(Tensor a, Tensor b, Tensor y, TFn fn) where TFn : struct, IBinaryFn;

    /// <summary>Reduces x into y, where y has x's rank and size 1 on every reduced axis.</summary>
    void Reduce<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IReduceFn;

    /// <summary>y = scale * sum_i f(a_i, b_i) over every element of a and b (the same shape; y one element): a mean
    /// loss in one pass. Default: Zip into a temporary, Reduce with SumFn, Map with MulScalarFn(scale).</summary>
    void ZipSum<TFn>(Tensor a, Tensor b, Tensor y, TFn fn, double scale) where TFn : struct, IBinaryFn =>
        SumLowering.ZipSum(this, a, b, y, fn, scale);

    /// <summary>y = scale * sum_i f(x_i), as <see cref="ZipSum"/> (a mean of f: scale = 1 / n).</summary>
    void MapSum<TFn>(Tensor x, Tensor y, TFn fn, double scale) where TFn : struct, IUnaryFn =>
        SumLowering.MapSum(this, x, y, fn, scale);

    /// <summary>c[b] (+)= a[b] @ b[b] for rank-3 views a (B, M, K), b (B, K, N), c (B, M, N).
    /// a and b may be transposed views (either of the last two strides may be 1).</summary>
    void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate);

    /// <summary>One Adam update in a single pass, in place on p, m and v (same shape, contiguous); g may
    /// have any strides. See <see cref="AdamStepParams"/> for the formula.</summary>
    void AdamStep(Tensor p, Tensor g, Tensor m, Tensor v, AdamStepParams h);

    /// <summary><see cref="AdamStep"/> for each of a list of parameters with the same constants (an optimizer's
    /// step). Default: one AdamStep each; a GPU backend updates several parameters per launch.</summary>
    void AdamSteps(IReadOnlyList<AdamTensors> parameters, AdamStepParams h) => TensorListDefaults.AdamSteps(this, parameters, h);

    /// <summary>total[0] = sum over the tensors of sum(x^2) (gradient norms and finiteness checks), total a (1)
    /// tensor. Default: each tensor's sum into its own slot of a (P) vector by <see cref="Reduce"/>, then the
    /// slots summed: P + 1 reductions; a GPU backend folds several tensors per launch.</summary>
    void SumOfSquares(IReadOnlyList<Tensor> tensors, Tensor total) => TensorListDefaults.SumOfSquares(this, tensors, total);

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

    /// <summary>Floats of im2col columns the default conv lowering (<see cref="ConvGemmLowering"/>) builds at a
    /// time: the batch is walked in chunks of images that fit. 2 MB on the host, where the chunk should
    /// stay in cache; a GPU wants few, large GEMMs instead (each chunk costs several kernel launches).</summary>
    int ConvScratchFloats => ConvGemmLowering.ScratchFloats;

    /// <summary>The convolution's GEMM: y (N, K, OH, OW) (+)= W (K, C R S) @ im2col(x), with x (N, C, H, W); w, x and y
    /// contiguous. The batch is the GEMM's column dimension (N OH OW). The default builds im2col chunk by chunk
    /// and reorders (<see cref="ConvGemmLowering"/>); a backend may read x and write y directly instead.</summary>
    void Im2ColMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate) =>
        ConvGemmLowering.Im2ColMatMul(this, w, x, y, g, accumulate);

    /// <summary>The convolution with its bias: y (N, K, OH, OW) = W (K, C R S) @ im2col(x) + b[k] (b (K), broadcast over
    /// the planes), y written in full. Default: the bias copied into y, then <see cref="Im2ColMatMul"/> accumulating
    /// onto it. Either way each value is the product's sum plus the bias, one float add.</summary>
    void Im2ColMatMulBias(Tensor w, Tensor x, Tensor b, Tensor y, ConvGeometry g)
    {
        Copy(Ops.ConvLowering.BiasPlanes(b, y.Dims), y);
        Im2ColMatMul(w, x, y, g, accumulate: true);
    }

    /// <summary>The convolution's weight-gradient GEMM: dW (K, C R S) (+)= dY^T (K, N OH OW) @ im2col(x)^T, with
    /// dy (N, K, OH, OW) and x (N, C, H, W); all contiguous. Default as above.</summary>
    void MatMulIm2ColT(Tensor dy, Tensor x, Tensor dw, ConvGeometry g, bool accumulate) =>
        ConvGemmLowering.MatMulIm2ColT(this, dy, x, dw, g, accumulate);

    /// <summary>The convolution's input gradient (and the transposed convolution): y (N, C, H, W) +=
    /// col2im(W^T (C R S, K) @ X^T (K, N OH OW)), with x (N, K, OH, OW); all contiguous. Default as above.</summary>
    void Col2ImMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g) =>
        ConvGemmLowering.Col2ImMatMul(this, w, x, y, g);

    /// <summary>The same product written in full with an optional bias: y = col2im(W^T @ X^T) + b[c] (b (C) or null:
    /// 0). Default: y filled with the bias planes or zeros, then <see cref="Col2ImMatMul"/> adding onto it.</summary>
    void Col2ImMatMulInto(Tensor w, Tensor x, Tensor? b, Tensor y, ConvGeometry g)
    {
        if (b != null) Copy(Ops.ConvLowering.BiasPlanes(b, y.Dims), y);
        else Fill(y, 0);
        Col2ImMatMul(w, x, y, g);
    }

    /// <summary>Batch norm's statistics per channel c of x (N, C) or (N, C, H, W): mean[c] and the biased
    /// variance[c] over the m = Numel / C values of that channel. Default: <see cref="BatchNormLowering"/>.</summary>
    void BatchNormStats(Tensor x, Tensor mean, Tensor variance) => BatchNormLowering.Stats(this, x, mean, variance);

    /// <summary>What a training forward needs from the batch statistics, in one call: mean and variance as
    /// <see cref="BatchNormStats"/>, invStd[c] = (variance[c] + eps)^-1/2, and the running statistics, where given,
    /// updated in place (<see cref="BatchNormRunning"/>). Default: BatchNormStats, then a Map each for + eps and
    /// ^-1/2 and a Zip per running statistic, as the ops would run them (on a GPU: five launches, fused: one).</summary>
    void BatchNormTrainingStats(Tensor x, Tensor mean, Tensor variance, Tensor invStd, double eps, BatchNormRunning running) =>
        BatchNormLowering.TrainingStats(this, x, mean, variance, invStd, eps, running);

    /// <summary>y = (x - mean[c]) invStd[c] gamma[c] + beta[c] (gamma, beta optional: 1 and 0).</summary>
    void BatchNormForward(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y) =>
        BatchNormLowering.Forward(this, x, mean, invStd, gamma, beta, y);

    /// <summary>Batch norm's backward in training mode, xhat = (x - mean) invStd: dBeta = sum dy, dGamma =
    /// sum dy xhat, dx = gamma invStd (dy - sum dy / m - xhat sum(dy xhat) / m), sums per channel.</summary>
    void BatchNormBackward(Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta) =>
        BatchNormLowering.Backward(this, x, dy, mean, invStd, gamma, dx, dGamma, dBeta);

    /// <summary>Softmax (or log-softmax) of each row of x (rows, L) into y (rows, L), both contiguous: with
    /// m = max x and s = sum exp(x - m) per row, y = exp(x - m) / s, or y = x - m - log s.
    /// Default: <see cref="SoftmaxLowering"/>.</summary>
    void Softmax(Tensor x, Tensor y, bool log) => SoftmaxLowering.Forward(this, x, y, log);

    /// <summary>The row-wise backward from the forward's output y: dx = y (dy - sum(dy y)) for softmax,
    /// dx = dy - exp(y) sum(dy) for log-softmax; y, dy, dx (rows, L) contiguous.</summary>
    void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log) => SoftmaxLowering.Backward(this, y, dy, dx, log);

    /// <summary>Batch norm followed by an activation in one pass where the backend fuses them:
    /// y = f((x - mean[c]) invStd[c] gamma[c] + beta[c]). Default: <see cref="BatchNormForward"/>, then Map in place.</summary>
    void BatchNormActivation<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn =>
        BatchNormActivationComposite(x, mean, invStd, gamma, beta, y, fn);

    /// <summary>The backward of <see cref="BatchNormActivation"/> from its output y: z = (x - mean) invStd gamma + beta
    /// is recomputed, dz = dy f'(z, y), then batch norm's backward with dz (as <see cref="BatchNormBackward"/>).</summary>
    void BatchNormActivationBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn =>
        BatchNormActivationBackwardComposite(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn);

    /// <summary><see cref="BatchNormActivation"/> as a batch-norm forward and a Map: the default, and the fallback of fused versions.</summary>
    internal void BatchNormActivationComposite<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn)
        where TFn : struct, IUnaryFn
    {
        BatchNormForward(x, mean, invStd, gamma, beta, y);
        Map(y, y, fn);
    }

    /// <summary><see cref="BatchNormActivationBackward"/> in three steps with two temporaries (z and dz).</summary>
    internal void BatchNormActivationBackwardComposite<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        var z = new Tensor(AllocateUninitialized(x.DType, x.Numel), (int[])x.Dims.Clone());
        BatchNormForward(x, mean, invStd, gamma, beta, z);
        var dz = new Tensor(AllocateUninitialized(x.DType, x.Numel), (int[])x.Dims.Clone());
        MapBackward(z, y, dy, dz, fn);
        BatchNormBackward(x, dz, mean, invStd, gamma, dx, dGamma, dBeta);
    }

    /// <summary>Max pooling's argmax: index[(n C + c) OH OW + oh OW + ow] = ih W + iw of the largest x in the
    /// window (padding is never chosen; the first of equal values wins). x: (N, C, H, W) contiguous.</summary>
    void MaxPool2dIndices(Tensor x, int[] index, ConvGeometry g);
}
