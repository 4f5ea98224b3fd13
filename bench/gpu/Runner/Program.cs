using System.Diagnostics;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;

namespace Scratchgen.GpuRunner;

// Scratchgen.GpuRunner [parity|fused|matmul|all|hoststep|gemms|ptx NAME] [--backend cuda|ilgpu-cpu|ilgpu-cpu-256] [--out DIR] [--max-elements N] [--sizes 1024,2048,4096]
//                       [--matmul V8WideLoads] (the rung the op catalog's products run on; default: on a GPU, tuned per product)
//   hoststep: DCGAN training steps (--batch, default 128) with every kernel launch counted but not run
//           (IlgpuBackend.DryRun) after 3 real warm-up steps: the host work of a step, median of 30.
//   parity: every OpCatalog case and shape set, forward and gradients, against the Reference (float64),
//           by the rule of the CI parity tests (Diagnostics/ParityCheck: atol 2e-5, rtol 2e-4, and float32
//           rounding of sums of products).
//   fused: the kernels that merge launches against their unmerged forms on the same device (FusedChecks).
//   matmul: the ladder at 1024, 2048, 4096 (median of timed runs after a warm-up, stream synchronized),
//           each checked against the Cpu backend at the first size.
//   gemms: the products of one DCGAN step (--batch, default 128), each timed on the default rung and V8, with
//          and without split-K (GemmBench); bench/gpu/torch_gemms.py times cuBLAS on the same products.
internal static class Program
{
    private static int Main(string[] args)
    {
        string mode = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
        if (mode == "ptx")
        {
            // ptx NAME-FRAGMENT: print the SM_90 PTX of the catalog kernels whose name contains it (no GPU needed).
            string fragment = args.Skip(1).FirstOrDefault() ?? "";
            foreach (var k in KernelCatalog.All().Where(k => k.Name.Contains(fragment, StringComparison.OrdinalIgnoreCase)))
                Console.WriteLine($"// {k.Name}\n{PtxCompiler.Compile(k)}");
            return 0;
        }
        string backendName = Option(args, "--backend") ?? "cuda";
        string outDir = Option(args, "--out") ?? ".";
        Directory.CreateDirectory(outDir);
        IlgpuBackend backend;
        // ilgpu-cpu-256: ILGPU's CPU accelerator with 256 threads per group, so the tiled rungs run without a GPU
        // (slowly: a smoke check of the runner's modes, not a measurement).
        try { backend = backendName == "ilgpu-cpu-256" ? IlgpuDevices.CreateCpu(threadsPerGroup: 256) : (IlgpuBackend)Backend.FromName(backendName); }
        catch (NotSupportedException e)
        {
            Console.WriteLine($"backend {backendName} unavailable: {e.Message}");
            foreach (var d in IlgpuDevices.List()) Console.WriteLine($"  {d.Backend}: {d.Device} usable={d.Usable} {d.Details}");
            return 2;
        }
        if (Option(args, "--matmul") is { } rung)
            backend.MatMulVariant = MatMulKernels.Named(rung) ?? throw new ArgumentException($"--matmul {rung}: expected one of {string.Join(", ", Enum.GetNames<MatMulKernels.Variant>())}");
        Console.WriteLine($"backend {backend.Name} on {backend.DeviceName}, matmul " + (backend.TuneMatMul ? "tuned per product" : backend.MatMulVariant.ToString()));
        int failures = 0;
        int maxElements = int.TryParse(Option(args, "--max-elements"), out int m) ? m : int.MaxValue;
        if (mode is "parity" or "all") failures += Parity.Run(backend, Path.Combine(outDir, "parity.txt"), maxElements);
        if (mode is "fused" or "all") failures += FusedChecks.Run(backend, Path.Combine(outDir, "fused.txt"));
        int[] sizes = Option(args, "--sizes")?.Split(',').Select(int.Parse).ToArray() ?? [1024, 2048, 4096];
        if (mode is "matmul" or "all") failures += MatMulBench.Run(backend, Path.Combine(outDir, "matmul.csv"), sizes);
        int batch = int.TryParse(Option(args, "--batch"), out int b) ? b : 128;
        if (mode == "hoststep") HostStep.Run(backend, batch);
        if (mode == "gemms") failures += GemmBench.Run(backend, outDir, batch);
        return failures == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

internal static class Parity
{
    public static int Run(IBackend backend, string report, int maxElements)
    {
        var sw = Stopwatch.StartNew();
        var lines = new List<string>();
        int passed = 0, failed = 0;
        foreach (var c in OpCatalog.All)
            for (int s = 0; s < c.Shapes.Length; s++)
            {
                if (c.Shapes[s].Sum(x => Shapes.Numel(x)) > maxElements) continue;
                string result;
                try
                {
                    var inputs = c.MakeInputs(s, seed: 4321, DType.Float32, backend);
                    var reference = inputs.Select(t => t.To(Backend.Reference, DType.Float64)).ToArray();
                    result = ParityCheck.FirstMiss(c, reference, c.Evaluate(reference), c.Evaluate(inputs)) ?? "ok";
                }
                catch (Exception e) { result = $"{e.GetType().Name}: {e.Message}"; }
                if (result == "ok") passed++; else failed++;
                lines.Add($"{c.Name} set {s} {Shapes.Format(c.Shapes[s][0])}: {result}");
            }
        lines.Add($"parity on {backend.Name}: {passed} passed, {failed} failed, {sw.Elapsed.TotalSeconds:F1} s");
        File.WriteAllLines(report, lines);
        foreach (var l in lines.Where(l => !l.EndsWith(": ok"))) Console.WriteLine(l);
        return failed;
    }
}
