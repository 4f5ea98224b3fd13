using BenchmarkDotNet.Attributes;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// a @ b through the public tensor API on each backend: what a model pays, including the op's output
// allocation. The Reference backend is the "v0" row (plain strided loops, slow on purpose), so it is
// only run at the small sizes; the Cpu backend calls the packed GEMM (MatMulBench times its variants);
// "ilgpu-cpu" runs the Ilgpu backend's default kernel on ILGPU's CPU accelerator (it emulates GPU
// threads, so it is a correctness tool: timed up to N = 256; bench/gpu times the ladder on CUDA).
public class BackendMatMulBench
{
    private Tensor _a = null!, _b = null!;

    [Params("reference", "cpu", "ilgpu-cpu")]
    public string Backend { get; set; } = "cpu";

    [Params(128, 256, 512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Backend is "reference" or "ilgpu-cpu" && N > 256)
            throw new NotSupportedException($"the {Backend} matmul is only timed up to N = 256 (about 1 GFLOP/s at best)");
        var backend = Scratchgen.Backends.Backend.FromName(Backend);
        var rng = new Rng(1);
        _a = Tensor.RandN([N, N], rng, backend: backend);
        _b = Tensor.RandN([N, N], rng, backend: backend);
        // Check against the Reference result before timing anything.
        var got = _a.MatMul(_b).ToArray();
        var want = _a.To(Scratchgen.Backends.Backend.Reference, DType.Float64).MatMul(_b.To(Scratchgen.Backends.Backend.Reference, DType.Float64)).ToArray();
        for (int i = 0; i < got.Length; i += 97)
            if (Math.Abs(got[i] - want[i]) > 1e-3f * Math.Sqrt(N)) throw new InvalidOperationException($"{Backend} matmul N={N}: element {i} is {got[i]}, reference {want[i]}");
    }

    [Benchmark]
    public Tensor MatMul() => _a.MatMul(_b);
}
