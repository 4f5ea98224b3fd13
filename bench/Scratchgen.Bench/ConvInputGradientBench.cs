using BenchmarkDotNet.Attributes;
using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// The conv input gradient (CpuBackend.Col2ImMatMul, also the conv_transpose forward) of the DCGAN's two
// strided convolutions at batch 128: the batch in 8 MB chunks with each GEMM and col2im over both cores
// (baseline), against each core taking its own images in L2-sized chunks (kernels-docs/conv2d.md).
// [GlobalSetup] checks that both give the same bits.
public class ConvInputGradientBench
{
    private Tensor _w = null!, _dy = null!, _dx = null!;
    private ConvGeometry _g;
    private readonly CpuBackend _cpu = CpuBackend.Instance;

    [Params("64->128", "1->64")]
    public string Layer { get; set; } = "64->128";

    [Params(128)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (c, k, h) = Layer == "1->64" ? (1, 64, 28) : (64, 128, 14);
        _g = new ConvGeometry(Batch, c, h, h, k, 4, 4, 2, 1);
        var rng = new Rng(1);
        _w = Tensor.RandN([k, c * 16], rng, backend: _cpu);
        _dy = Tensor.RandN([Batch, k, _g.OH, _g.OW], rng, backend: _cpu);
        _dx = Tensor.Zeros([Batch, c, h, h], backend: _cpu);
        var other = Tensor.Zeros([Batch, c, h, h], backend: _cpu);
        _cpu.Col2ImMatMul(_w, _dy, _dx, _g, imagesPerCore: false);
        _cpu.Col2ImMatMul(_w, _dy, other, _g, imagesPerCore: true);
        if (!_dx.ToArray().SequenceEqual(other.ToArray()))
            throw new InvalidOperationException($"{Layer}: the per-core input gradient differs from the shared one");
    }

    [Benchmark(Baseline = true)]
    public void Shared() => _cpu.Col2ImMatMul(_w, _dy, _dx, _g, imagesPerCore: false);

    [Benchmark]
    public void PerCore() => _cpu.Col2ImMatMul(_w, _dy, _dx, _g, imagesPerCore: true);
}
