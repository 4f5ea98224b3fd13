using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Convolution, pooling, upsampling and batch normalization on NCHW tensors.</summary>
public static class TensorConv
{
    /// <summary>2-D convolution (cross-correlation, as in PyTorch): x (N, C, H, W), weight (K, C, R, S),
    /// bias (K) or null -> (N, K, OH, OW) with OH = (H + 2 padding - dilation (R - 1) - 1) / stride + 1.</summary>
    public static Tensor Conv2d(this Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1) =>
        new Conv2dOp(x, weight, bias, Conv2dGeometry(x, weight, bias, stride, padding, dilation)).Run();

    /// <summary>activation(conv2d(x, weight) + bias) as one op (<see cref="Conv2dActivationOp{TFn}"/>): the bias and
    /// the activation in one pass. <paramref name="fn"/> is the activation's functor, <paramref name="activation"/>
    /// the same activation as a tensor op (for recorded backwards). Checks as <see cref="Conv2d"/>.</summary>
    internal static Tensor Conv2dThen<TFn>(this Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
        TFn fn, string name, Func<Tensor, Tensor> activation) where TFn : struct, IUnaryFn =>
        new Conv2dActivationOp<TFn>(x, weight, bias, Conv2dGeometry(x, weight, bias, stride, padding, dilation), fn, name, activation).Run();

    // The checks every conv2d entry makes, then its geometry.
    private static ConvGeometry Conv2dGeometry(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int dilation)
    {
        const string op = "conv2d";
        RequireRank4(op, x, "input");
        RequireRank4(op, weight, "weight");
        if (weight.Dims[1] != x.Dims[1])
            throw new ShapeException(op, $"input {Shapes.Format(x.Dims)} has {x.Dims[1]} channels but weight {Shapes.Format(weight.Dims)} expects {weight.Dims[1]} (need x (N, C, H, W), weight (K, C, R, S))");
        RequireBias(op, bias, weight.Dims[0], weight);
        var g = new ConvGeometry(x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3], weight.Dims[0], weight.Dims[2], weight.Dims[3], stride, padding, dilation);
        RequireValid(op, g, x, weight);
        return g;
    }

    /// <summary>2-D transposed convolution (the gradient of conv2d with respect to its input): x (N, Cin, H, W),
    /// weight (Cin, Cout, R, S) as in PyTorch, bias (Cout) or null -> (N, Cout, OH, OW) with
    /// OH = (H - 1) stride - 2 padding + dilation (R - 1) + outputPadding + 1; outputPadding &lt; stride.</summary>
    public static Tensor ConvTranspose2d(this Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1)
    {
        const string op = "conv_transpose2d";
        RequireRank4(op, x, "input");
        RequireRank4(op, weight, "weight");
        if (weight.Dims[0] != x.Dims[1])
            throw new ShapeException(op, $"input {Shapes.Format(x.Dims)} has {x.Dims[1]} channels but weight {Shapes.Format(weight.Dims)} expects {weight.Dims[0]} (need x (N, Cin, H, W), weight (Cin, Cout, R, S))");
        RequireBias(op, bias, weight.Dims[1], weight);
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ShapeException(op, $"output padding {outputPadding} must be in [0, stride {stride})");
        int r = weight.Dims[2], s = weight.Dims[3];
        int oh = (x.Dims[2] - 1) * stride - 2 * padding + dilation * (r - 1) + outputPadding + 1;
        int ow = (x.Dims[3] - 1) * stride - 2 * padding + dilation * (s - 1) + outputPadding + 1;
        // The geometry of the convolution whose input gradient this is: it maps (oh, ow) back to (H, W).
        var g = new ConvGeometry(x.Dims[0], weight.Dims[1], oh, ow, x.Dims[1], r, s, stride, padding, dilation);
        if (!g.IsValid || g.OH != x.Dims[2] || g.OW != x.Dims[3])
            throw new ShapeException(op, $"input {Shapes.Format(x.Dims)} with weight {Shapes.Format(weight.Dims)}, stride {stride}, padding {padding}, dilation {dilation} gives no valid output ({oh}, {ow})");
        return new ConvTranspose2dOp(x, weight, bias, g).Run();
    }

    /// <summary>Average over kernel x kernel windows (padding counts as zeros in the average, as PyTorch's
    /// default): x (N, C, H, W) -> (N, C, OH, OW). Computed as a convolution of each plane with a constant kernel.</summary>
    public static Tensor AvgPool2d(this Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        var g = PoolGeometry("avg_pool2d", x, kernel, stride, padding);
        int n = x.Dims[0], c = x.Dims[1];
        var planes = x.Reshape([n * c, 1, g.H, g.W]);
        var average = Tensor.Full([1, 1, kernel, kernel], 1.0 / (kernel * kernel), x.DType, x.Backend);
        var y = new Conv2dOp(planes, average, null, g with { N = n * c, C = 1, K = 1 }).Run();
        return y.Reshape([n, c, g.OH, g.OW]);
    }

    /// <summary>Maximum over kernel x kernel windows: x (N, C, H, W) -> (N, C, OH, OW). The argmax is found
    /// by a kernel and the values are gathered with it, so the gradient goes to the winning element.</summary>
    public static Tensor MaxPool2d(this Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        var g = PoolGeometry("max_pool2d", x, kernel, stride, padding);
        var index = new int[g.N * g.C * g.Positions];
        x.Backend.MaxPool2dIndices(ConvLowering.Dense(x), index, g);
        return x.Reshape([g.N * g.C, g.H * g.W]).Gather(1, index, [g.N * g.C, g.Positions]).Reshape([g.N, g.C, g.OH, g.OW]);
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor: x (N, C, H, W) -> (N, C, H scale, W scale).
    /// A broadcast view copied once; the gradient sums each scale x scale block.</summary>
    public static Tensor UpsampleNearest2d(this Tensor x, int scale)
    {
        RequireRank4("upsample_nearest2d", x, "input");
        if (scale < 1) throw new ArgumentException($"upsample_nearest2d: scale must be at least 1, got {scale}");
        int n = x.Dims[0], c = x.Dims[1], h = x.Dims[2], w = x.Dims[3];
        return x.Reshape([n, c, h, 1, w, 1]).Expand([n, c, h, scale, w, scale]).Reshape([n, c, h * scale, w * scale]);
    }

    /// <summary>Batch normalization over (N, C) or (N, C, H, W): y = (x - mean) / sqrt(var + eps) * gamma + beta per
    /// channel. Training uses the batch's mean and biased variance and, when given, updates runningMean and
    /// runningVar in place (r = (1 - momentum) r + momentum stat, with the unbiased variance, as PyTorch);
    /// evaluation uses the running statistics.</summary>
    public static Tensor BatchNorm(this Tensor x, Tensor? gamma = null, Tensor? beta = null, Tensor? runningMean = null, Tensor? runningVar = null,
        bool training = true, double momentum = 0.1, double eps = 1e-5) =>
        BatchNormFunction.Apply(x, gamma, beta, runningMean, runningVar, training, momentum, eps);

    private static ConvGeometry PoolGeometry(string op, Tensor x, int kernel, int? stride, int padding)
    {
        RequireRank4(op, x, "input");
        int s = stride ?? kernel;
        if (kernel < 1 || s < 1 || padding < 0 || padding > kernel / 2)
            throw new ArgumentException($"{op}: kernel {kernel}, stride {s}, padding {padding} (need kernel, stride >= 1 and 0 <= padding <= kernel / 2)");
        var g = new ConvGeometry(x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3], x.Dims[1], kernel, kernel, s, padding);
        if (!g.IsValid) throw new ShapeException(op, $"a {kernel}x{kernel} window with padding {padding} does not fit input {Shapes.Format(x.Dims)}");
        return g;
    }

    private static void RequireRank4(string op, Tensor t, string what)
    {
        if (t.Rank != 4) throw new ShapeException(op, $"{what} must be 4-D, got {Shapes.Format(t.Dims)}");
    }

    private static void RequireBias(string op, Tensor? bias, int channels, Tensor weight)
    {
        if (bias != null && (bias.Rank != 1 || bias.Dims[0] != channels))
            throw new ShapeException(op, $"bias {Shapes.Format(bias.Dims)} does not match weight {Shapes.Format(weight.Dims)} (need ({channels}))");
    }

    private static void RequireValid(string op, ConvGeometry g, Tensor x, Tensor weight)
    {
        if (!g.IsValid)
            throw new ShapeException(op, $"input {Shapes.Format(x.Dims)} with weight {Shapes.Format(weight.Dims)}, stride {g.Stride}, padding {g.Padding}, dilation {g.Dilation} gives no output (the kernel does not fit)");
    }
}
