using BenchmarkDotNet.Attributes;
using Scratchgen.Cli.Benchmarks;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// The DCGAN's convolution layers at batch 64 on the Cpu backend (kernels-docs/conv2d.md,
// conv_transpose2d.md): 4x4 kernels, stride 2, padding 1, with bias. Forward alone, and forward +
// backward with dx, dw and db (what ConvLayerBenchmark and bench/peers/torch_conv_layers.py time).
// [GlobalSetup] checks the layer's output against the Reference backend (float64) on a batch of 2
// before anything is timed.
public class ConvBench
{
    private Tensor _x = null!, _w = null!, _b = null!, _dy = null!;
    private ConvLayer _layer = null!;

    [Params("D conv 1->64", "D conv 64->128", "G conv_transpose 128->64", "G conv_transpose 64->1")]
    public string Layer { get; set; } = "D conv 64->128";

    [Params(64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _layer = ConvLayerBenchmark.DcganLayers.Single(l => l.Name.StartsWith(Layer + " ", StringComparison.Ordinal));
        var cpu = Scratchgen.Backends.Backend.Cpu;
        var rng = new Rng(1);
        _x = Tensor.RandN([Batch, _layer.Cin, _layer.H, _layer.W], rng, backend: cpu).RequireGrad();
        _w = Tensor.RandN(_layer.Transposed ? [_layer.Cin, _layer.Cout, 4, 4] : [_layer.Cout, _layer.Cin, 4, 4], rng, std: 0.05, backend: cpu).RequireGrad();
        _b = Tensor.RandN([_layer.Cout], rng, backend: cpu).RequireGrad();
        _dy = Tensor.RandN(Apply(_x, _w, _b).Shape.ToArray(), rng, backend: cpu);
        Check();
    }

    private Tensor Apply(Tensor x, Tensor w, Tensor b) =>
        _layer.Transposed ? x.ConvTranspose2d(w, b, stride: 2, padding: 1) : x.Conv2d(w, b, stride: 2, padding: 1);

    private void Check()
    {
        var reference = Scratchgen.Backends.Backend.Reference;
        var x2 = _x.Detach().Slice(0, 0, 2).Contiguous();
        var got = Apply(x2, _w.Detach(), _b.Detach()).ToArray();
        var want = Apply(x2.To(reference, DType.Float64), _w.Detach().To(reference, DType.Float64), _b.Detach().To(reference, DType.Float64)).ToArray();
        for (int i = 0; i < got.Length; i++)
            if (Math.Abs(got[i] - want[i]) > 1e-3f * (1 + Math.Abs(want[i])))
                throw new InvalidOperationException($"{Layer}: element {i} is {got[i]}, reference {want[i]}");
    }

    [Benchmark(Baseline = true)]
    public Tensor Forward()
    {
        using (Scratchgen.Autograd.GradMode.NoGrad()) return Apply(_x, _w, _b);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        _x.ZeroGrad();
        _w.ZeroGrad();
        _b.ZeroGrad();
        Apply(_x, _w, _b).Backward(_dy);
    }
}
