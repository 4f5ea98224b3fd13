using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>The backends a ladder runs on, by name, and the rung every family has on each: the backend's own
/// kernel behind an op (the Cpu, Reference and ILGPU backends all run the same op code).</summary>
internal static class LadderBackends
{
    public static readonly string[] Default = ["reference", "cpu", "ilgpu-cpu"];

    private static readonly Lazy<IlgpuBackend> WideCpu = new(() => IlgpuDevices.CreateCpu(threadsPerGroup: 256));

    /// <summary>The backend of that name, or null with the reason where this machine has none.</summary>
    public static IBackend? Get(string name, out string? why)
    {
        why = null;
        if (name == "cuda" && !IlgpuDevices.CudaAvailable())
        {
            why = "no usable CUDA device";
            return null;
        }
        try { return Backend.FromName(name); }
        catch (Exception e) when (e is DeviceUnavailableException or ArgumentException)
        {
            why = e.Message;
            return null;
        }
    }

    /// <summary>The ILGPU backend a matmul rung runs on: on ILGPU's CPU accelerator a private one with 256 threads
    /// per group, which the 16 x 16 groups of V2-V8 need; on a device the shared one.</summary>
    public static IlgpuBackend? Ilgpu(string name, out string? why)
    {
        if (name == "ilgpu-cpu")
        {
            why = null;
            return WideCpu.Value;
        }
        return Get(name, out why) as IlgpuBackend;
    }

    /// <summary>A rung that runs `op` (the inputs as tensors of the given shapes, the problem's shape) on the
    /// backend: inputs uploaded once, no gradient graph.</summary>
    public static Rung OpRung(string name, string backendName, IBackend backend, Func<Tensor[], int[], Tensor> op, Func<LadderProblem, int[][]> shapes) =>
        new(name, backendName, p => new OpRun(backend, op, p.Shape, p.Inputs.Select((x, i) => Tensor.FromArray(x, shapes(p)[i], backend)).ToArray()));

    // Each run's tensors go back to the backend's pool when the next run ends (a memory scope per run, carried
    // from the previous one), as in a training step: the timings are of the kernels, not of fresh arrays.
    private sealed class OpRun(IBackend backend, Func<Tensor[], int[], Tensor> op, int[] shape, Tensor[] inputs) : IRungRun
    {
        private Tensor? _output;
        private MemoryScope? _previous;

        public void Run()
        {
            using var scope = MemoryScope.Begin(carryFrom: _previous);
            using (GradMode.NoGrad()) _output = op(inputs, shape);
            if (backend is IlgpuBackend device) device.Synchronize();
            scope.End(keep: [_output]);
            _previous = scope;
        }

        public float[] Result() => _output!.ToArray();

        public void Dispose() { }
    }
}
