using System.Diagnostics;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.GpuRunner;

/// <summary>
/// What a DCGAN training step costs the host alone: after 3 real steps (kernels compiled, buffer pool
/// warm), 30 steps run with <see cref="IlgpuBackend.DryRun"/> on, so every launch is counted but does
/// nothing, and the step's time is its host work (checks, views, pool, autograd, launch bookkeeping,
/// read-backs). Compared with the real step time (bench models), it says whether a GPU step is bound by
/// the host or by the kernels. ILGPU's own launch marshalling and the driver call are not in it.
/// </summary>
internal static class HostStep
{
    public static void Run(IlgpuBackend backend, int batch)
    {
        var model = ModelFactory.Create("dcgan", new ModelOptions(LatentDim: ModelFactory.DefaultLatentDim("dcgan"), Backend: backend, Architecture: "conv"));
        var rng = new Rng(3);
        var images = Tensor.Rand([batch, 1, 28, 28], rng, backend: backend).Mul(2).Sub(1);
        var labels = new int[batch];
        MemoryScope? previous = null;
        var dry = new List<double>();
        long launches = 0;
        for (int step = 0; step < 33; step++)
        {
            backend.DryRun = step >= 3;
            long before = backend.KernelLaunches;
            var sw = Stopwatch.StartNew();
            var scope = MemoryScope.Begin(carryFrom: previous);
            model.TrainStep(images, labels);
            scope.End(model.PersistentTensors());
            previous = scope;
            backend.Synchronize();
            double ms = sw.Elapsed.TotalMilliseconds;
            if (backend.DryRun) { dry.Add(ms); launches = backend.KernelLaunches - before; }
            else Console.WriteLine($"real step {step}: {ms:F1} ms, {backend.KernelLaunches - before} launches");
        }
        backend.DryRun = false;
        dry.Sort();
        double median = dry[dry.Count / 2];
        Console.WriteLine($"host-only DCGAN step on {backend.Name}, batch {batch}: median {median:F2} ms over {dry.Count} steps, " +
            $"{launches} launches counted ({1000 * median / launches:F1} us of host work per launch)");
    }
}
