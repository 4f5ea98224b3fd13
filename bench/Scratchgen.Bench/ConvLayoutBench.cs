using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// The DCGAN's two strided convolutions at batch 128, each Cpu conv primitive in its layout before and
// after the V6 changes of kernels-docs/conv2d.md, one baseline per category:
//   forward (CpuBackend.Im2ColMatMul): the image's stride-2 taps gathered from the plain padded copy
//     (baseline) against read from its phase-split copy;
//   input gradient (CpuBackend.Col2ImMatMul, also the conv_transpose forward): the batch in 8 MB chunks
//     with each GEMM and col2im over both cores (baseline) against each core taking its own images in
//     L2-sized chunks;
//   col2im alone (CpuBackend.Col2Im, the scatter-add after the input gradient's GEMM): one float at a time
//     (baseline) against tap pairs interleaved by AVX-512 (V7; on a CPU without AVX-512 both run the first).
// [GlobalSetup] checks that the two layouts of each primitive agree (the input gradient and col2im bit for bit).
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ConvLayoutBench
{
    private const string Forward = "forward", InputGradient = "input gradient", Col2ImAlone = "col2im";
    private Tensor _x = null!, _w = null!, _y = null!, _dy = null!, _dx = null!, _cols = null!;
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
        _dy = Tensor.RandN([Batch, k, _g.OH, _g.OW], rng, backend: _cpu);
        _dx = Tensor.Zeros([Batch, c, h, h], backend: _cpu);

        var split = Tensor.Zeros([Batch, k, _g.OH, _g.OW], backend: _cpu);
        ForwardGathers();
        _cpu.Im2ColMatMul(_w, _x, split, _g, false, splitPhases: true);
        float[] a = _y.ToArray(), b = split.ToArray();
        for (int i = 0; i < a.Length; i++)
            if (Math.Abs(a[i] - b[i]) > 1e-4f * (1 + Math.Abs(a[i])))
                throw new InvalidOperationException($"{Layer} forward: element {i} is {b[i]} with the phase split, {a[i]} without");

        var perCore = Tensor.Zeros([Batch, c, h, h], backend: _cpu);
        InputGradientShared();
        _cpu.Col2ImMatMul(_w, _dy, perCore, _g, imagesPerCore: true);
        if (!_dx.ToArray().SequenceEqual(perCore.ToArray()))
            throw new InvalidOperationException($"{Layer}: the per-core input gradient differs from the shared one");

        _cols = Tensor.RandN([_g.PatchSize, _g.Columns], rng, backend: _cpu);
        var scalar = Tensor.Zeros([Batch, c, h, h], backend: _cpu);
        var pairs = Tensor.Zeros([Batch, c, h, h], backend: _cpu);
        _cpu.Col2Im(_cols, scalar, _g, tapPairs: false);
        _cpu.Col2Im(_cols, pairs, _g, tapPairs: true);
        if (!scalar.ToArray().SequenceEqual(pairs.ToArray()))
            throw new InvalidOperationException($"{Layer}: col2im by tap pairs differs from the scalar one");
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Forward)]
    public void ForwardGathers() => _cpu.Im2ColMatMul(_w, _x, _y, _g, false, splitPhases: false);

    [Benchmark, BenchmarkCategory(Forward)]
    public void ForwardPhaseSplit() => _cpu.Im2ColMatMul(_w, _x, _y, _g, false, splitPhases: true);

    [Benchmark(Baseline = true), BenchmarkCategory(InputGradient)]
    public void InputGradientShared() => _cpu.Col2ImMatMul(_w, _dy, _dx, _g, imagesPerCore: false);

    [Benchmark, BenchmarkCategory(InputGradient)]
    public void InputGradientPerCore() => _cpu.Col2ImMatMul(_w, _dy, _dx, _g, imagesPerCore: true);

    // (col2im adds into _dx, which the timings leave growing: the sums stay finite and its speed does not depend on them.)
    [Benchmark(Baseline = true), BenchmarkCategory(Col2ImAlone)]
    public void Col2ImScalar() => _cpu.Col2Im(_cols, _dx, _g, tapPairs: false);

    [Benchmark, BenchmarkCategory(Col2ImAlone)]
    public void Col2ImTapPairs() => _cpu.Col2Im(_cols, _dx, _g, tapPairs: true);
}
