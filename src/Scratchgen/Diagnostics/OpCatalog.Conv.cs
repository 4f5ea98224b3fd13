using Scratchgen.Ops;
using Scratchgen.Tensors;
using static Scratchgen.Diagnostics.InputDomain;

namespace Scratchgen.Diagnostics;

// Convolution, pooling, upsampling and batch norm. The small sets (odd 5x7 images, 2-3 channels, batch
// 1-2, every input: x, w, b, gamma, beta, running statistics) are gradient-checked; the first sets stay
// under 200 elements so the second-order check takes them too. The large sets (the DCGAN layers at
// batch 8, odd sizes past the parallel thresholds, and 3 images of 288 x 1023 columns each, which the
// ops lower in 3 chunks: ConvGemmLowering.ChunkImages; the Cpu backend chunks only its dx) are compared across backends only.
// The sets with C R S = 383, 384 and 385 (conv2d) or 385 and 383 input channels (the transposed ones) put the
// forward GEMM's K across the Cpu GEMM's K block (KC = 384), with accumulation (a bias: the Cpu backend copies
// it into y and accumulates the GEMM onto it) and without (no bias).
internal static partial class OpCatalog
{
    private static OpCase[] ConvCases() =>
    [
        new("conv2d", xs => xs[0].Conv2d(xs[1], xs[2], padding: 1),
            Sets([[1, 2, 5, 7], [3, 2, 3, 3], [3]], [[2, 3, 5, 7], [4, 3, 3, 3], [4]],
                 [[3, 5, 17, 13], [7, 5, 3, 3], [7]], [[3, 32, 33, 31], [8, 32, 3, 3], [8]],
                 [[1, 383, 3, 4], [5, 383, 1, 1], [5]], [[1, 24, 5, 5], [7, 24, 4, 4], [7]], [[2, 35, 3, 12], [6, 35, 1, 11], [6]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("conv2d_stride2_pad1", xs => xs[0].Conv2d(xs[1], xs[2], stride: 2, padding: 1),
            Sets([[1, 2, 6, 5], [3, 2, 4, 4], [3]], [[2, 3, 5, 7], [2, 3, 4, 4], [2]],
                 [[8, 1, 28, 28], [64, 1, 4, 4], [64]], [[8, 64, 14, 14], [128, 64, 4, 4], [128]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("conv2d_dilation2", xs => xs[0].Conv2d(xs[1], xs[2], padding: 2, dilation: 2),
            Sets([[1, 2, 5, 7], [2, 2, 3, 3], [2]], [[2, 3, 5, 7], [2, 3, 3, 3], [2]], [[4, 6, 19, 23], [5, 6, 3, 3], [5]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("conv2d_stride3_dilation2_rect", xs => xs[0].Conv2d(xs[1], xs[2], stride: 3, dilation: 2),
            Sets([[2, 2, 7, 9], [3, 2, 2, 3], [3]], [[4, 5, 31, 29], [6, 5, 3, 2], [6]]), [Normal], SumsOfProducts: true),
        new("conv2d_no_bias_1x1", xs => xs[0].Conv2d(xs[1], stride: 2),
            Sets([[2, 3, 5, 7], [4, 3, 1, 1]], [[4, 8, 17, 16], [8, 8, 1, 1]], [[1, 383, 3, 5], [7, 383, 1, 1]], [[2, 385, 5, 4], [7, 385, 1, 1]]),
            [Normal], SumsOfProducts: true),
        new("conv_transpose2d", xs => xs[0].ConvTranspose2d(xs[1], xs[2], stride: 2, padding: 1),
            Sets([[1, 3, 3, 4], [3, 2, 4, 4], [2]], [[2, 3, 3, 4], [3, 2, 4, 4], [2]],
                 [[8, 128, 7, 7], [128, 64, 4, 4], [64]], [[8, 64, 14, 14], [64, 1, 4, 4], [1]], [[1, 385, 2, 3], [385, 2, 4, 4], [2]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("conv_transpose2d_output_padding", xs => xs[0].ConvTranspose2d(xs[1], xs[2], stride: 2, padding: 1, outputPadding: 1),
            Sets([[2, 2, 3, 4], [2, 3, 3, 3], [3]], [[3, 6, 9, 11], [6, 4, 3, 3], [4]], [[3, 8, 33, 31], [8, 32, 3, 3], [32]]),
            [Normal], SecondOrder: true, SumsOfProducts: true),
        new("conv_transpose2d_dilation2", xs => xs[0].ConvTranspose2d(xs[1], xs[2], padding: 1, dilation: 2),
            Sets([[2, 3, 5, 7], [3, 2, 3, 2], [2]], [[3, 7, 13, 9], [7, 5, 3, 3], [5]]), [Normal], SumsOfProducts: true),
        new("conv_transpose2d_no_bias_stride3", xs => xs[0].ConvTranspose2d(xs[1], stride: 3, outputPadding: 2),
            Sets([[2, 3, 3, 4], [3, 2, 2, 3]], [[4, 9, 11, 7], [9, 6, 3, 3]], [[1, 383, 2, 2], [383, 3, 2, 3]]), [Normal], SumsOfProducts: true),
        new("avg_pool2d", xs => xs[0].AvgPool2d(2), Sets([[2, 3, 5, 7]], [[8, 16, 28, 29]]), [Normal], SecondOrder: true),
        new("avg_pool2d_k3_stride1_pad1", xs => xs[0].AvgPool2d(3, stride: 1, padding: 1), Sets([[2, 3, 5, 7]], [[4, 8, 17, 15]]), [Normal]),
        new("max_pool2d", xs => xs[0].MaxPool2d(2), Sets([[2, 3, 5, 7]], [[8, 16, 27, 29]]), [Distinct], SecondOrder: true),
        new("max_pool2d_k3_stride2_pad1", xs => xs[0].MaxPool2d(3, stride: 2, padding: 1), Sets([[2, 3, 5, 7]], [[8, 16, 27, 29]]), [Distinct]),
        new("upsample_nearest2d", xs => xs[0].UpsampleNearest2d(2), Sets([[2, 3, 5, 7]], [[8, 16, 14, 14]]), [Normal], SecondOrder: true),
        new("upsample_nearest2d_scale3", xs => xs[0].UpsampleNearest2d(3).Square(), Sets([[1, 2, 3, 5]], [[4, 8, 7, 7]]), [Normal]),
        new("batch_norm", xs => xs[0].BatchNorm(xs[1], xs[2]),
            Sets([[2, 3, 5, 7], [3], [3]], [[8, 64, 14, 14], [64], [64]]), [Normal], SecondOrder: true),
        new("batch_norm_2d", xs => xs[0].BatchNorm(xs[1], xs[2]), Sets([[8, 5], [5], [5]], [[128, 256], [256], [256]]), [Normal], SecondOrder: true),
        new("batch_norm_no_affine", xs => xs[0].BatchNorm(), Sets([[4, 3, 2, 5]], [[7, 9]]), [Normal]),
        new("batch_norm_eval", xs => xs[0].BatchNorm(xs[1], xs[2], xs[3], xs[4], training: false),
            Sets([[2, 3, 5, 7], [3], [3], [3], [3]], [[8, 64, 14, 14], [64], [64], [64], [64]]),
            [Normal, Normal, Normal, Normal, Positive], SecondOrder: true),
        // Convolution, bias and activation fused (Nn.Fusion's Conv2d + activation pairs); w scaled by
        // 1/sqrt(C R S) as initialization does, so pre-activations are O(1).
        new("conv2d_leaky_relu", xs => xs[0].Conv2dThen(ConvFanInScaled(xs[1]), xs[2], 2, 1, 1, new LeakyReluFn(0.2), "leaky_relu", t => t.LeakyRelu(0.2)),
            Sets([[2, 3, 6, 5], [4, 3, 3, 3], [4]], [[1, 1, 7, 7], [1, 1, 4, 4], [1]], [[8, 16, 14, 14], [32, 16, 4, 4], [32]]), [Normal], SecondOrder: true),
        new("conv2d_tanh", xs => xs[0].Conv2dThen(ConvFanInScaled(xs[1]), xs[2], 1, 1, 1, default(TanhFn), "tanh", t => t.Tanh()),
            Sets([[2, 3, 6, 5], [4, 3, 3, 3], [4]], [[3, 8, 9, 9], [5, 8, 3, 3], [5]]), [Normal], SecondOrder: true),
        // Batch norm and activation fused (Nn.Fusion's BatchNorm + activation pairs in training).
        new("batch_norm_leaky_relu", xs => BatchNormFunction.ApplyThen(xs[0], xs[1], xs[2], null, null, 0.1, 1e-5,
                new LeakyReluFn(0.2), "leaky_relu", t => t.LeakyRelu(0.2)),
            Sets([[2, 3, 5, 7], [3], [3]], [[4, 2, 3, 3], [2], [2]], [[8, 64, 14, 14], [64], [64]], [[6, 33, 1, 17], [33], [33]]), [Normal], SecondOrder: true),
        new("batch_norm_relu", xs => BatchNormFunction.ApplyThen(xs[0], xs[1], xs[2], null, null, 0.1, 1e-5,
                default(ReluFn), "relu", t => t.Relu()),
            Sets([[2, 3, 5, 7], [3], [3]], [[8, 128, 7, 7], [128], [128]]), [Normal], SecondOrder: true),
        new("batch_norm_tanh", xs => BatchNormFunction.ApplyThen(xs[0], xs[1], xs[2], null, null, 0.1, 1e-5,
                default(TanhFn), "tanh", t => t.Tanh()),
            Sets([[2, 3, 5, 7], [3], [3]], [[16, 5], [5], [5]]), [Normal], SecondOrder: true),
        new("batch_norm_no_affine_relu", xs => BatchNormFunction.ApplyThen<ReluFn>(xs[0], null, null, null, null, 0.1, 1e-5,
                default, "relu", t => t.Relu()),
            Sets([[4, 3, 2, 5]], [[7, 9]]), [Normal]),
    ];

    private static Tensor ConvFanInScaled(Tensor w) => w.Mul(1 / Math.Sqrt(w.Numel / w.Dims[0]));
}
