using Scratchgen.Ops;
using Scratchgen.Tensors;
using static Scratchgen.Diagnostics.InputDomain;

namespace Scratchgen.Diagnostics;

/// <summary>
/// Every differentiable op with the shapes it is checked on: awkward sizes (1, 7, 33), broadcasting,
/// and larger round and odd sizes that make the Cpu kernels take their vector, tail and multithreaded
/// paths. Shape sets with at most <see cref="GradCheckMaxElements"/> elements are gradient-checked.
/// </summary>
internal static partial class OpCatalog
{
    public const int GradCheckMaxElements = 400;

    private static int[][][] Sets(params int[][][] sets) => sets;

    // Shapes for a unary elementwise op: a scalar-like, awkward and round vectors, a matrix, a large
    // odd-sized block past the parallel threshold.
    private static readonly int[][][] UnaryShapes = Sets([[1]], [[7]], [[33]], [[3, 5]], [[2, 3, 4]], [[257, 129]], [[64, 1024]]);

    // Shapes for a binary op, broadcasting included.
    private static readonly int[][][] BinaryShapes = Sets(
        [[1], [1]], [[7], [7]], [[3, 5], [3, 5]], [[7, 1], [1, 33]], [[2, 3, 4], [4]], [[3, 1, 5], [1, 4, 1]], [[1], [33]],
        [[257, 129], [257, 129]], [[257, 129], [129]], [[64, 16, 33], [16, 1]]);

    // Shapes for a fused linear + activation: x (..., I), W (O, I), b (O); awkward sizes and a row longer than 8 lanes.
    private static readonly int[][][] LinearActivationShapes = Sets([[1, 1], [1, 1], [1]], [[7, 5], [3, 5], [3]], [[2, 3, 4], [9, 4], [9]],
        [[33, 65], [17, 65], [17]], [[128, 784], [40, 784], [40]]);

    private static Tensor FanInScaled(Tensor w) => w.Mul(1 / Math.Sqrt(w.Dims[1]));

    private static readonly int[][][] ReduceShapes = Sets([[1]], [[7]], [[33]], [[3, 5]], [[2, 3, 4]], [[300, 301]], [[8, 65, 257]]);

    private static OpCase Unary(string name, Func<Tensor, Tensor> f, InputDomain domain = Normal, bool second = true) =>
        new(name, xs => f(xs[0]), UnaryShapes, [domain], second);

    private static OpCase Binary(string name, Func<Tensor, Tensor, Tensor> f, InputDomain a = Normal, InputDomain b = Normal) =>
        new(name, xs => f(xs[0], xs[1]), BinaryShapes, [a, b], SecondOrder: true);

    private static OpCase Reduce(string name, Func<Tensor, Tensor> f, InputDomain domain = Normal, bool second = true) =>
        new(name, xs => f(xs[0]), ReduceShapes, [domain], second);

    public static IReadOnlyList<OpCase> All { get; } =
    [
        // Elementwise arithmetic with broadcasting.
        Binary("add", (a, b) => a.Add(b)),
        Binary("sub", (a, b) => a.Sub(b)),
        Binary("mul", (a, b) => a.Mul(b)),
        Binary("div", (a, b) => a.Div(b), Normal, Positive),
        Unary("neg", x => x.Neg()),
        Unary("add_scalar", x => x.Add(0.75)),
        Unary("sub_scalar", x => x.Sub(1.5)),
        Unary("mul_scalar", x => x.Mul(-2.5)),
        Unary("div_scalar", x => x.Div(4.0)),
        Unary("rsub", x => x.RSub(3.0)),
        Unary("rdiv", x => x.RDiv(2.0), Positive),
        Unary("exp", x => x.Exp()),
        Unary("log", x => x.Log(), Positive),
        Unary("sqrt", x => x.Sqrt(), Positive),
        Unary("pow", x => x.Pow(3)),
        Unary("pow_fractional", x => x.Pow(-1.5), Positive),
        Unary("square", x => x.Square()),
        Unary("abs", x => x.Abs(), AwayFromZero),
        Unary("clamp", x => x.Clamp(-0.55, 0.45), AwayFromZero),
        // Activations.
        Unary("relu", x => x.Relu(), AwayFromZero),
        Unary("leaky_relu", x => x.LeakyRelu(0.2), AwayFromZero),
        Unary("elu", x => x.Elu(1.3), AwayFromZero),
        Unary("sigmoid", x => x.Sigmoid()),
        Unary("tanh", x => x.Tanh()),
        Unary("softplus", x => x.Softplus()),
        Unary("dropout", x => x.Dropout(0.3, new Rng(5)), second: false),
        // Reductions and the softmax family.
        Reduce("sum", x => x.Sum()),
        Reduce("sum_axis", x => x.Sum(0)),
        Reduce("sum_last_keepdim", x => x.Sum(-1, keepdim: true)),
        new("sum_axes", xs => xs[0].Sum([0, 2]), Sets([[2, 3, 4]], [[5, 1, 7]], [[16, 33, 65]]), [Normal], SecondOrder: true),
        Reduce("mean", x => x.Mean()),
        Reduce("mean_axis", x => x.Mean(-1)),
        Reduce("max", x => x.Max(), Distinct),
        Reduce("max_axis", x => x.Max(0, keepdim: true), Distinct),
        Reduce("log_sum_exp", x => x.LogSumExp(-1)),
        Reduce("softmax", x => x.Softmax(-1)),
        Reduce("log_softmax", x => x.LogSoftmax(-1)),
        new("softmax_axis0", xs => xs[0].Softmax(0), Sets([[4, 3]], [[33, 2]]), [Normal], SecondOrder: true),
        // Row lengths around the Cpu kernel's 8 lanes and ILGPU's 16-thread groups on the CPU accelerator.
        new("softmax_rows", xs => xs[0].Softmax(-1), Sets([[3, 8]], [[2, 9]], [[4, 15]], [[2, 16]], [[3, 17]]), [Normal], SecondOrder: true),
        new("log_softmax_rows", xs => xs[0].LogSoftmax(-1), Sets([[3, 8]], [[2, 9]], [[4, 15]], [[2, 16]], [[3, 17]]), [Normal], SecondOrder: true),
        // Matrix products. The last sets put the Cpu GEMM's K across its K block (KC = 384): K = 383, 384, 385 and
        // 769 in the forward product, 385 in b's gradient (a^T @ dy) and 390 in a's (dy @ b^T), with M and N off the
        // 6- and 16-wide tiles, so a later K block is added onto edge tiles. They are small (ilgpu-cpu compares them too).
        new("matmul", xs => xs[0].MatMul(xs[1]),
            Sets([[1, 1], [1, 1]], [[7, 33], [33, 5]], [[3, 4], [4, 1]], [[2, 3, 4], [2, 4, 5]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]],
                 [[4], [4, 3]], [[3, 4], [4]], [[130, 200], [200, 70]], [[64, 128], [128, 64]], [[4, 33, 17], [4, 17, 65]],
                 [[7, 383], [383, 17]], [[6, 384], [384, 16]], [[9, 385], [385, 33]], [[5, 769], [769, 3]], [[385, 4], [4, 3]], [[3, 4], [4, 390]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("matmul_transposed", xs => xs[0].T().MatMul(xs[1].T()), Sets([[5, 3], [4, 5]], [[200, 130], [70, 200]]), [Normal], SecondOrder: true, SumsOfProducts: true),
        // linear's GEMMs have K = I (forward), O (input gradient) and N (weight gradient, the form of matmul's
        // a^T @ dy, whose set with K = 385 stands for it: here one costs ILGPU's 256-thread CPU accelerator 45 s):
        // the last sets put I (383, 384, 385) and O (390) across KC (384).
        new("linear", xs => xs[0].Linear(xs[1], xs[2]),
            Sets([[1, 1], [1, 1], [1]], [[7, 5], [3, 5], [3]], [[2, 3, 4], [5, 4], [5]], [[128, 784], [40, 784], [40]], [[33, 65], [17, 65], [17]],
                 [[7, 383], [17, 383], [17]], [[6, 384], [16, 384], [16]], [[5, 385], [33, 385], [33]], [[2, 5], [390, 5], [390]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("linear_no_bias", xs => xs[0].Linear(xs[1]), Sets([[4, 3], [2, 3]], [[65, 33], [7, 33]]), [Normal], SecondOrder: true, SumsOfProducts: true),
        // Linear and activation fused (Nn.Fusion's Linear + activation pairs). W is scaled by 1/sqrt(I), as
        // initialization does, so pre-activations are O(1): with I = 784 unscaled they would be O(28), where
        // tanh, sigmoid and elu saturate and float32 GEMM rounding in z is amplified through f'.
        new("linear_leaky_relu", xs => xs[0].LinearThen(FanInScaled(xs[1]), xs[2], new LeakyReluFn(0.2), "leaky_relu", t => t.LeakyRelu(0.2)),
            LinearActivationShapes, [Normal], SecondOrder: true),
        new("linear_relu", xs => xs[0].LinearThen(FanInScaled(xs[1]), xs[2], default(ReluFn), "relu", t => t.Relu()), LinearActivationShapes, [Normal], SecondOrder: true),
        new("linear_tanh", xs => xs[0].LinearThen(FanInScaled(xs[1]), xs[2], default(TanhFn), "tanh", t => t.Tanh()), LinearActivationShapes, [Normal], SecondOrder: true),
        new("linear_sigmoid", xs => xs[0].LinearThen(FanInScaled(xs[1]), xs[2], default(SigmoidFn), "sigmoid", t => t.Sigmoid()), LinearActivationShapes, [Normal], SecondOrder: true),
        new("linear_elu", xs => xs[0].LinearThen(FanInScaled(xs[1]), xs[2], new EluFn(1.0), "elu", t => t.Elu(1.0)), LinearActivationShapes, [Normal], SecondOrder: true),
        // Shape ops.
        new("reshape", xs => xs[0].Reshape([-1, 2]).Mul(xs[0].Reshape([-1, 2])), Sets([[3, 4]], [[2, 3, 6]]), [Normal]),
        new("flatten", xs => xs[0].Flatten(), Sets([[2, 3, 4]]), [Normal]),
        new("unsqueeze", xs => xs[0].Unsqueeze(1).Mul(xs[0].Unsqueeze(0)), Sets([[3, 4]]), [Normal]),
        new("squeeze", xs => xs[0].Squeeze(1).Square(), Sets([[3, 1, 4]]), [Normal]),
        new("transpose", xs => xs[0].Transpose(0, 1).Contiguous(), Sets([[3, 5]], [[7, 33]], [[129, 257]]), [Normal]),
        new("permute", xs => xs[0].Permute(2, 0, 1).Contiguous(), Sets([[2, 3, 4]], [[16, 33, 9]]), [Normal]),
        new("t", xs => xs[0].T().MatMul(xs[0]), Sets([[3, 2]]), [Normal]),
        new("slice", xs => xs[0].Slice(1, 1, -1).Square(), Sets([[3, 5]], [[7, 33]], [[2, 3, 4]]), [Normal]),
        new("expand", xs => xs[0].Expand([4, 3, 5]).Mul(xs[1]), Sets([[3, 1], [4, 3, 5]], [[1, 5], [4, 3, 5]]), [Normal]),
        new("contiguous", xs => xs[0].T().Contiguous().Mul(xs[0].T()), Sets([[3, 4]], [[65, 33]]), [Normal]),
        new("clone", xs => xs[0].Clone().Mul(xs[0]), Sets([[7]]), [Normal]),
        new("concat", xs => TensorShape.Concat([xs[0], xs[1].Square()], 1), Sets([[3, 2], [3, 4]], [[1, 7], [1, 1]], [[33, 5], [33, 7]]), [Normal]),
        new("stack", xs => TensorShape.Stack([xs[0], xs[1].Exp()], 1), Sets([[3, 2], [3, 2]], [[7], [7]]), [Normal]),
        new("gather", xs => xs[0].Gather(1, [2, 0, 0, 1, 2, 2], [3, 2]), Sets([[3, 3]], [[4, 5]]), [Normal]),
        new("index_select", xs => xs[0].IndexSelect(0, [1, 1, 0, 2]), Sets([[3, 4]], [[5, 33]]), [Normal]),
        // Losses.
        new("mse", xs => Loss.Mse(xs[0], xs[1]), Sets([[1], [1]], [[7, 3], [7, 3]], [[33], [33]], [[128, 784], [128, 784]]), [Normal], SecondOrder: true),
        new("l1", xs => Loss.L1(xs[0], xs[1].Add(5)), Sets([[7, 3], [7, 3]], [[33], [33]]), [Normal]),
        new("bce", xs => Loss.Bce(xs[0], xs[1]), Sets([[7, 3], [7, 3]], [[33], [33]], [[64, 784], [64, 784]]), [Probability], SecondOrder: true),
        new("bce_with_logits", xs => Loss.BceWithLogits(xs[0].Mul(3), xs[1]), Sets([[7, 3], [7, 3]], [[33], [33]], [[64, 784], [64, 784]]), [Normal, Probability], SecondOrder: true),
        new("cross_entropy", xs => Loss.CrossEntropy(xs[0], [.. Enumerable.Range(0, xs[0].Size(0)).Select(i => i * 7 % xs[0].Size(1))]),
            Sets([[1, 3]], [[7, 10]], [[33, 4]], [[128, 10]]), [Normal], SecondOrder: true),
        new("gaussian_kl", xs => Loss.GaussianKl(xs[0], xs[1]), Sets([[1, 1], [1, 1]], [[7, 2], [7, 2]], [[33, 20], [33, 20]], [[128, 20], [128, 20]]), [Normal], SecondOrder: true),
        // Composite: a gradient penalty ||dD/dx||^2 as WGAN-GP computes it (a gradient of a gradient).
        new("gradient_penalty", xs =>
        {
            var x = xs[0];
            var h = x.Linear(xs[1], xs[2]).Tanh().Linear(xs[3]);
            var g = Autograd.Gradients.Of(h.Sum(), [x], createGraph: true)[0];
            return g.Square().Sum(1).Sqrt().Sub(1).Square().Mean();
        }, Sets([[4, 3], [5, 3], [5], [1, 5]]), [Normal]),
        // Convolution, pooling, upsampling, batch norm (OpCatalog.Conv.cs).
        .. ConvCases(),
    ];
}
