using BenchmarkDotNet.Attributes;
using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// The forward conv GEMM (CpuBackend.Im2ColMatMul) of the DCGAN's two strided convolutions at batch 128,
// with the image read from its plain padded copy (the stride-2 taps gathered by AVX2 gathers: the
// baseline) and from its phase-split copy (each 8 columns of a B panel from two masked loads and a
// permute), kernels-docs/conv2d.md. [GlobalSetup] checks that both give the same output.
public class ConvPackingBench
{
    private Tensor _x = null!, _w = null!, _y = null!;
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
        _x = Tensor.RandN([Batch, c, h, h], rng, backend: _cpu);
        _w = Tensor.RandN([k, c * 16], rng, backend: _cpu);
        _y = Tensor.Zeros([Batch, k, _g.OH, _g.OW], backend: _cpu);
        var other = Tensor.Zeros([Batch, k, _g.OH, _g.OW], backend: _cpu);
        _cpu.Im2ColMatMul(_w, _x, _y, _g, false, splitPhases: false);
        _cpu.Im2ColMatMul(_w, _x, other, _g, false, splitPhases: true);
        float[] a = _y.ToArray(), b = other.ToArray();
        for (int i = 0; i < a.Length; i++)
            if (Math.Abs(a[i] - b[i]) > 1e-4f * (1 + Math.Abs(a[i])))
                throw new InvalidOperationException($"{Layer}: element {i} is {b[i]} with the phase split, {a[i]} without");
    }

    [Benchmark(Baseline = true)]
    public void Gathers() => _cpu.Im2ColMatMul(_w, _x, _y, _g, false, splitPhases: false);

    [Benchmark]
    public void PhaseSplit() => _cpu.Im2ColMatMul(_w, _x, _y, _g, false, splitPhases: true);
}
