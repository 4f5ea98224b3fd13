using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Shape = Scratchgen.Backends.Ilgpu.IlgpuBackend.MatMulShape;

namespace Scratchgen.GpuRunner;

/// <summary>
/// The products of one DCGAN training step, timed one by one. A dry step (IlgpuBackend.DryRun) with
/// IlgpuBackend.MatMulLog on records every product the ops ask for: its sizes and whether each operand is
/// stored transposed (a: (K, M) instead of (M, K); b: (N, K) instead of (K, N)). Distinct products are
/// then run on fresh operands of the same layout: as training runs them ("tuned": on a GPU, the rung
/// IlgpuBackend tunes for the shape, with the automatic split), then every rung of MatMulKernels.SameSums
/// (V8 runs V7 where it cannot read the operands 16 bytes at a time), each without split-K, with the
/// automatic split and with K forced into 2, 4 and 8 chunks. Time per call: 5 rounds of 10 back-to-back launches and a stream
/// synchronize, the median round over 10. Writes gemm-shapes.csv (the products and their calls per step,
/// the input of bench/gpu/torch_gemms.py, which times cuBLAS on the same layouts) and gemms.csv.
/// </summary>
internal static class GemmBench
{

    public static int Run(IlgpuBackend backend, string outDir, int batch)
    {
        var shapes = RecordDcgan(backend, batch);
        File.WriteAllLines(Path.Combine(outDir, "gemm-shapes.csv"),
            ["batch,m,n,k,a_transposed,b_transposed,calls_per_step", .. shapes.Select(s =>
                $"{s.Key.Batch},{s.Key.M},{s.Key.N},{s.Key.K},{(s.Key.ATransposed ? 1 : 0)},{(s.Key.BTransposed ? 1 : 0)},{s.Value}")]);
        var rows = new List<string> { "batch,m,n,k,a_transposed,b_transposed,calls_per_step,rung,split,median_us,gflops" };
        int failures = 0;
        foreach (var (shape, calls) in shapes)
        {
            var (a, b, c) = Operands(backend, shape);
            void Time(string rung, string split, Action launch)
            {
                double us;
                try { us = TimePerCall(backend, launch); }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"{shape} {rung} split {split}: {e.GetType().Name}: {e.Message}");
                    return;
                }
                double gflops = 2.0 * shape.Batch * shape.M * shape.N * shape.K / (us * 1e3);
                rows.Add($"{shape.Batch},{shape.M},{shape.N},{shape.K},{(shape.ATransposed ? 1 : 0)},{(shape.BTransposed ? 1 : 0)},{calls},{rung},{split},{us:F1},{gflops:F0}");
                Console.WriteLine($"{shape,-36} x{calls,-2} {rung,-18} split {split,-4} {us,9:F1} us {gflops,7:F0} GFLOPS");
            }
            // As training runs it: the public MatMul (on a GPU, the rung tuned for this shape).
            if (backend.TuneMatMul) Time("tuned", "auto", () => backend.MatMul(a, b, c, false));
            foreach (var rung in MatMulKernels.SameSums)
                foreach (int split in Splits(shape))
                    Time(rung.ToString(), split == 0 ? "auto" : split.ToString(), () => backend.MatMul(a, b, c, false, rung, split));
        }
        if (backend.TuneMatMul)
            Console.WriteLine("tuned: " + string.Join("; ", backend.TunedRungs.Select(t => $"{t.Shape} {t.Rung}")));
        File.WriteAllLines(Path.Combine(outDir, "gemms.csv"), rows);
        return failures;
    }

    // Distinct products of a DCGAN step and their calls per step, in the order first asked for.
    private static List<KeyValuePair<Shape, int>> RecordDcgan(IlgpuBackend backend, int batch)
    {
        var model = ModelFactory.Create("dcgan", new ModelOptions(LatentDim: ModelFactory.DefaultLatentDim("dcgan"), Backend: backend, Architecture: "conv"));
        var images = Tensor.Rand([batch, 1, 28, 28], new Rng(3), backend: backend).Mul(2).Sub(1);
        var log = new List<Shape>();
        backend.DryRun = true;
        backend.MatMulLog = log;
        try
        {
            using var scope = MemoryScope.Begin();
            model.TrainStep(images, new int[batch]);
            scope.End(model.PersistentTensors());
        }
        finally
        {
            backend.DryRun = false;
            backend.MatMulLog = null;
        }
        // Grouped by sizes and transposition only: the fresh operands are timed without accumulation, and
        // whether they read wide follows from their own (contiguous) layout.
        var counts = new Dictionary<Shape, int>();
        var order = new List<Shape>();
        foreach (var call in log)
        {
            var shape = call with { Wide = false, Accumulate = false };
            if (counts.TryAdd(shape, 1)) order.Add(shape); else counts[shape]++;
        }
        Console.WriteLine($"DCGAN step, batch {batch}: {log.Count} products, {order.Count} distinct");
        return order.Select(s => new KeyValuePair<Shape, int>(s, counts[s])).ToList();
    }

    // 0 (the automatic rule), 1 (no split), and 2, 4, 8 chunks where K divides into chunks of at least 64.
    private static IEnumerable<int> Splits(Shape s)
    {
        yield return 0;
        yield return 1;
        if (s.Batch != 1) yield break;
        foreach (int parts in new[] { 2, 4, 8 })
            if (s.K % parts == 0 && s.K / parts >= 64) yield return parts;
    }

    // Contiguous operands stored in the recorded layout, seen as the (Batch, M, K) and (Batch, K, N) views MatMul takes.
    private static (Tensor A, Tensor B, Tensor C) Operands(IlgpuBackend backend, Shape s)
    {
        var rng = new Rng(7);
        var a = Tensor.RandN([s.Batch, s.ATransposed ? s.K : s.M, s.ATransposed ? s.M : s.K], rng, backend: backend);
        var b = Tensor.RandN([s.Batch, s.BTransposed ? s.N : s.K, s.BTransposed ? s.K : s.N], rng, backend: backend);
        var c = Tensor.Zeros([s.Batch, s.M, s.N], backend: backend);
        return (s.ATransposed ? a.Transpose(1, 2) : a, s.BTransposed ? b.Transpose(1, 2) : b, c);
    }

    private static double TimePerCall(IlgpuBackend backend, Action launch)
    {
        launch(); // compile and load
        return backend.MedianMicroseconds(launch, rounds: 5, perRound: 10);
    }
}
