using BenchmarkDotNet.Attributes;
using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Bench;

// Batch norm in training mode on the DCGAN's activations (kernels-docs/batchnorm.md): the Cpu backend's
// fused kernels (V2) against the composite lowering (the kernel composition V1 used, run through the same
// backend primitives), forward (statistics + y) and backward (dx, dgamma, dbeta). [GlobalSetup] checks
// that both give the same dx before anything is timed.
public class BatchNormBench
{
    private readonly CpuBackend _cpu = (CpuBackend)Backend.Cpu;
    private Tensor _x = null!, _dy = null!, _gamma = null!, _beta = null!, _mean = null!, _var = null!, _invStd = null!, _y = null!, _dx = null!, _dg = null!, _db = null!;

    [Params("64x64x14x14", "64x128x7x7", "128x1024")]
    public string Shape { get; set; } = "64x64x14x14";

    [GlobalSetup]
    public void Setup()
    {
        int[] shape = Shape.Split('x').Select(int.Parse).ToArray();
        int c = shape[1];
        var rng = new Rng(1);
        _x = Tensor.RandN(shape, rng, mean: 1, backend: _cpu);
        _dy = Tensor.RandN(shape, rng, backend: _cpu);
        _gamma = Tensor.RandN([c], rng, mean: 1, backend: _cpu);
        _beta = Tensor.RandN([c], rng, backend: _cpu);
        (_mean, _var, _dg, _db) = (Tensor.Zeros([c]), Tensor.Zeros([c]), Tensor.Zeros([c]), Tensor.Zeros([c]));
        (_y, _dx) = (Tensor.Zeros(shape), Tensor.Zeros(shape));
        _cpu.BatchNormStats(_x, _mean, _var);
        _invStd = _var.Add(1e-5).Pow(-0.5);
        FusedBackward();
        var fused = _dx.ToArray();
        CompositeBackward();
        var composite = _dx.ToArray();
        for (int i = 0; i < fused.Length; i++)
            if (Math.Abs(fused[i] - composite[i]) > 1e-3f * (1 + Math.Abs(composite[i])))
                throw new InvalidOperationException($"{Shape}: dx[{i}] is {fused[i]} fused, {composite[i]} composite");
    }

    [Benchmark(Baseline = true)]
    public void CompositeForward()
    {
        BatchNormLowering.ComposedStats(_cpu, _x, _mean, _var);
        BatchNormLowering.ComposedForward(_cpu, _x, _mean, _invStd, _gamma, _beta, _y);
    }

    [Benchmark]
    public void FusedForward()
    {
        _cpu.BatchNormStats(_x, _mean, _var);
        _cpu.BatchNormForward(_x, _mean, _invStd, _gamma, _beta, _y);
    }

    [Benchmark]
    public void CompositeBackward() => BatchNormLowering.ComposedBackward(_cpu, _x, _dy, _mean, _invStd, _gamma, _dx, _dg, _db);

    [Benchmark]
    public void FusedBackward() => _cpu.BatchNormBackward(_x, _dy, _mean, _invStd, _gamma, _dx, _dg, _db);
}

// The fused Adam update (IBackend.AdamStep, one pass over p, g, m, v) on a DCGAN-sized parameter and a
// large one, on the Cpu and Reference backends.
public class AdamStepBench
{
    private Tensor _p = null!, _g = null!, _m = null!, _v = null!;

    [Params("cpu", "reference")]
    public string BackendName { get; set; } = "cpu";

    [Params(6272 * 100, 1 << 22)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var b = Backend.FromName(BackendName);
        var rng = new Rng(2);
        _p = Tensor.RandN([Count], rng, backend: b);
        _g = Tensor.RandN([Count], rng, backend: b);
        _m = Tensor.Zeros([Count], backend: b);
        _v = Tensor.Zeros([Count], backend: b);
    }

    [Benchmark]
    public void Step() => _p.Backend.AdamStep(_p, _g, _m, _v, new AdamStepParams(Lr: 1e-3f, Beta1: 0.9f, Beta2: 0.999f, Eps: 1e-8f, C1: 0.1f, C2: 0.001f, WeightDecay: 0, Decoupled: 0));
}

// Softmax rows (kernels-docs/softmax.md): the Cpu backend's row kernel against the composition it replaced
// (SoftmaxLowering: max, sub, exp, sum, log, sub, exp, each a pass over the rows), forward and backward, on a
// classifier's logits (128 x 10), a wide row (128 x 1000) and many mid-length rows. [GlobalSetup] checks
// that both give the same y and dx before anything is timed.
public class SoftmaxBench
{
    private readonly CpuBackend _cpu = (CpuBackend)Backend.Cpu;
    private Tensor _x = null!, _dy = null!, _y = null!, _dx = null!;

    [Params("128x10", "128x1000", "1024x257")]
    public string Shape { get; set; } = "128x10";

    [GlobalSetup]
    public void Setup()
    {
        int[] shape = Shape.Split('x').Select(int.Parse).ToArray();
        var rng = new Rng(1);
        _x = Tensor.RandN(shape, rng, backend: _cpu);
        _dy = Tensor.RandN(shape, rng, backend: _cpu);
        (_y, _dx) = (Tensor.Zeros(shape), Tensor.Zeros(shape));
        FusedForward();
        FusedBackward();
        float[] y = _y.ToArray(), dx = _dx.ToArray();
        CompositeForward();
        CompositeBackward();
        float[] yRef = _y.ToArray(), dxRef = _dx.ToArray();
        for (int i = 0; i < y.Length; i++)
            if (Math.Abs(y[i] - yRef[i]) > 1e-5f + 1e-4f * Math.Abs(yRef[i]) || Math.Abs(dx[i] - dxRef[i]) > 1e-5f + 1e-4f * Math.Abs(dxRef[i]))
                throw new InvalidOperationException($"{Shape}: element {i}: fused y {y[i]}, dx {dx[i]}; composite y {yRef[i]}, dx {dxRef[i]}");
    }

    [Benchmark(Baseline = true)]
    public void CompositeForward() => SoftmaxLowering.ComposedSoftmax(_cpu, _x, _y, log: false);

    [Benchmark]
    public void FusedForward() => _cpu.Softmax(_x, _y, log: false);

    [Benchmark]
    public void CompositeBackward() => SoftmaxLowering.ComposedSoftmaxBackward(_cpu, _y, _dy, _dx, log: false);

    [Benchmark]
    public void FusedBackward() => _cpu.SoftmaxBackward(_y, _dy, _dx, log: false);
}
