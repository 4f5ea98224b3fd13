using System.Diagnostics;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks;

/// <summary>One DCGAN convolution layer: 4x4 kernel, stride 2, padding 1, with bias.
/// Transposed: x (N, Cin, H, W) -> (N, Cout, 2H, 2W); else x (N, Cin, H, W) -> (N, Cout, H/2, W/2).</summary>
internal sealed record ConvLayer(string Name, bool Transposed, int Cin, int Cout, int H, int W);

/// <summary>Forward + backward wall time of one layer: the median and fastest of the timed repetitions.</summary>
internal sealed record ConvLayerTiming(ConvLayer Layer, int Batch, double MedianMs, double MinMs, int Reps);

/// <summary>
/// Times forward + backward (dx, dw and db all computed) of the DCGAN's convolution layers, the same
/// work bench/peers/torch_conv_layers.py times in PyTorch. Per layer: warm-up repetitions (JIT, buffers,
/// GEMM worker threads), then the median of the timed ones. Every repetition starts from cleared gradients
/// and runs in its own <see cref="MemoryScope"/>, ended after the timing, as a training step does (and as the
/// TorchSharp twin runs each repetition in a dispose scope): its outputs and gradients go back to the
/// backend's pool for the next one. Without the scope every repetition took ~5 MB of fresh arrays from the
/// .NET heap (D 64->128), and the repetitions that touched new pages ran slower than the others
/// (the conv2d log in kernels-docs/log/, "Memory in the layer benchmark").
/// </summary>
internal static class ConvLayerBenchmark
{
    public static IReadOnlyList<ConvLayer> DcganLayers { get; } =
    [
        new("D conv 1->64 on 28x28", false, 1, 64, 28, 28),
        new("D conv 64->128 on 14x14", false, 64, 128, 14, 14),
        new("G conv_transpose 128->64 on 7x7", true, 128, 64, 7, 7),
        new("G conv_transpose 64->1 on 14x14", true, 64, 1, 14, 14),
    ];

    public static IReadOnlyList<ConvLayerTiming> Run(IBackend backend, int batch = 64, int warmup = 3, int reps = 15, IReadOnlyList<ConvLayer>? layers = null)
    {
        var rows = new List<ConvLayerTiming>();
        foreach (var layer in layers ?? DcganLayers)
        {
            var rng = new Rng(1234);
            var x = Tensor.RandN([batch, layer.Cin, layer.H, layer.W], rng, backend: backend).RequireGrad();
            int[] wShape = layer.Transposed ? [layer.Cin, layer.Cout, 4, 4] : [layer.Cout, layer.Cin, 4, 4];
            var w = Tensor.RandN(wShape, rng, std: 0.02, backend: backend).RequireGrad();
            var b = Tensor.Zeros([layer.Cout], backend: backend).RequireGrad();
            Tensor Forward() => layer.Transposed ? x.ConvTranspose2d(w, b, stride: 2, padding: 1) : x.Conv2d(w, b, stride: 2, padding: 1);
            var dy = Tensor.RandN(Forward().Detach().Shape.ToArray(), rng, backend: backend);

            var times = new double[reps];
            for (int i = -warmup; i < reps; i++)
            {
                x.ZeroGrad();
                w.ZeroGrad();
                b.ZeroGrad();
                using var scope = MemoryScope.Begin();
                long start = Stopwatch.GetTimestamp();
                Forward().Backward(dy);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= 0) times[i] = ms;
                scope.End(keep: []); // everything this repetition allocated (y, dx, dw, db) back to the pool
            }
            Array.Sort(times);
            rows.Add(new ConvLayerTiming(layer, batch, times[reps / 2], times[0], reps));
        }
        return rows;
    }

    /// <summary>Training-mode batch norm forward + backward (dx, dgamma, dbeta; running statistics updated)
    /// on each shape: (median ms, min ms). bench/peers/torch_batchnorm.py times the same in PyTorch.</summary>
    public static IReadOnlyList<(int[] Shape, double MedianMs, double MinMs)> RunBatchNorm(IBackend backend, IReadOnlyList<int[]> shapes, int warmup = 3, int reps = 21)
    {
        var rows = new List<(int[], double, double)>();
        foreach (var shape in shapes)
        {
            var rng = new Rng(1);
            int c = shape[1];
            var x = Tensor.RandN(shape, rng, backend: backend).RequireGrad();
            var gamma = Tensor.Ones([c], backend: backend).RequireGrad();
            var beta = Tensor.Zeros([c], backend: backend).RequireGrad();
            Tensor mean = Tensor.Zeros([c], backend: backend), variance = Tensor.Ones([c], backend: backend);
            var dy = Tensor.RandN(shape, rng, backend: backend);
            var times = new double[reps];
            for (int i = -warmup; i < reps; i++)
            {
                x.ZeroGrad();
                gamma.ZeroGrad();
                beta.ZeroGrad();
                using var scope = MemoryScope.Begin();
                long start = Stopwatch.GetTimestamp();
                x.BatchNorm(gamma, beta, mean, variance, training: true).Backward(dy);
                if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                scope.End(keep: []); // the running statistics are updated in place; the rest goes back to the pool
            }
            Array.Sort(times);
            rows.Add((shape, times[reps / 2], times[0]));
        }
        return rows;
    }
}
