using System.Diagnostics;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;

namespace Scratchgen.GpuRunner;

// Scratchgen.GpuRunner [parity|matmul|all|ptx NAME] [--backend cuda] [--out DIR] [--max-elements N] [--sizes 1024,2048,4096]
//                       [--matmul V8WideLoads] (the rung the op catalog's products run on; default MatMulKernels.Default)
//   hoststep: DCGAN training steps (--batch, default 128) with every kernel launch counted but not run
//           (IlgpuBackend.DryRun) after 3 real warm-up steps: the host work of a step, median of 30.
//   parity: every OpCatalog case and shape set, forward and gradients, against the Reference (float64),
//           with the tolerance of the CI parity tests (atol 2e-5, rtol 2e-4).
//   matmul: the ladder at 1024, 2048, 4096 (median of timed runs after a warm-up, stream synchronized),
//           each checked against the Cpu backend at the first size.
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
        try { backend = (IlgpuBackend)Backend.FromName(backendName); }
        catch (NotSupportedException e)
        {
            Console.WriteLine($"backend {backendName} unavailable: {e.Message}");
            foreach (var d in IlgpuDevices.List()) Console.WriteLine($"  {d.Backend}: {d.Device} usable={d.Usable} {d.Details}");
            return 2;
        }
        if (Option(args, "--matmul") is { } rung) backend.MatMulVariant = Enum.Parse<MatMulKernels.Variant>(rung, ignoreCase: true);
        Console.WriteLine($"backend {backend.Name} on {backend.DeviceName}, matmul {backend.MatMulVariant}");
        int failures = 0;
        int maxElements = int.TryParse(Option(args, "--max-elements"), out int m) ? m : int.MaxValue;
        if (mode is "parity" or "all") failures += Parity.Run(backend, Path.Combine(outDir, "parity.txt"), maxElements);
        int[] sizes = Option(args, "--sizes")?.Split(',').Select(int.Parse).ToArray() ?? [1024, 2048, 4096];
        if (mode is "matmul" or "all") failures += MatMulBench.Run(backend, Path.Combine(outDir, "matmul.csv"), sizes);
        if (mode == "hoststep") HostStep.Run(backend, int.TryParse(Option(args, "--batch"), out int batch) ? batch : 128);
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
                    var (y, grads) = c.Evaluate(inputs);
                    var (yRef, gradsRef) = c.Evaluate(reference);
                    result = Compare(yRef, y, "forward");
                    for (int i = 0; i < grads.Length && result == "ok"; i++) result = Compare(gradsRef[i], grads[i], $"gradient {i}");
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

    // |expected - actual| <= atol + rtol |expected| everywhere, as Support/Close.cs in the tests.
    private static string Compare(double[] expected, double[] actual, string what)
    {
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]), allowed = 2e-5 + 2e-4 * Math.Abs(expected[i]);
            if (!(err <= allowed) && (at < 0 || err / allowed > worst)) { worst = err / allowed; at = i; }
        }
        return at < 0 ? "ok" : $"{what} mismatch at {at}: expected {expected[at]:G9}, got {actual[at]:G9} ({worst:F1}x the tolerance)";
    }
}
