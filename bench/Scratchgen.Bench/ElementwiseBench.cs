using BenchmarkDotNet.Attributes;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// Memory-bound kernels on a (1024, 1024) float32 tensor (4 MB in, 4 MB out): report as GB/s =
// bytes moved / time. Elementwise maps (the transcendental ones run SimdMath's exp/log1p), the fused
// BCE-with-logits loss (a zip and a sum), a broadcast add (a bias over rows), the fused unary
// backward, and reductions over all elements, the last axis and the first axis.
public class ElementwiseBench
{
    private Tensor _x = null!, _bias = null!, _y = null!, _p = null!;

    [Params("reference", "cpu", "ilgpu-cpu")]
    public string Backend { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        var backend = Scratchgen.Backends.Backend.FromName(Backend);
        var rng = new Rng(1);
        _x = Tensor.RandN([1024, 1024], rng, backend: backend);
        _bias = Tensor.RandN([1024], rng, backend: backend);
        _y = _x.Tanh();
        _p = Tensor.Rand([1024, 1024], rng, backend: backend);
    }

    [Benchmark] public Tensor Relu() => _x.Relu();
    [Benchmark] public Tensor Tanh() => _x.Tanh();
    [Benchmark] public Tensor Exp() => _x.Exp();
    [Benchmark] public Tensor Sigmoid() => _x.Sigmoid();
    [Benchmark] public Tensor Softplus() => _x.Softplus();
    [Benchmark] public Tensor BceWithLogits() => Loss.BceWithLogits(_x, _p);
    [Benchmark] public Tensor AddBroadcastRow() => _x.Add(_bias);
    [Benchmark] public Tensor Mul() => _x.Mul(_y);
    [Benchmark] public Tensor SumAll() => _x.Sum();
    [Benchmark] public Tensor SumLastAxis() => _x.Sum(-1);
    [Benchmark] public Tensor SumFirstAxis() => _x.Sum(0);
    [Benchmark] public Tensor Softmax() => _x.Softmax(-1);
}
