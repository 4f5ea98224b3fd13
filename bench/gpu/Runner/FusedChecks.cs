using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.GpuRunner;

/// <summary>
/// The kernels that merge several launches into one (multi-tensor Adam and sum of squares, batch norm's training
/// statistics, mean losses, convolutions written in full with their bias), each against the unmerged form on the same device: the multi-launch defaults
/// (TensorListLowering, BatchNormLowering, SumLowering, the bias copy and accumulating conv lowering), which the op catalog's parity does not compare them with.
/// On ILGPU's CPU accelerator the tests find the same bits; on a GPU this says whether the compiler kept them
/// (a difference within float32 rounding, |d| / (|value| + 1) under the tolerance, is reported, not failed), and a float64 fold on the host checks the sums.
/// </summary>
internal static class FusedChecks
{
    private static readonly int[] Sizes = [1, 7, 33, 255, 257, 4095, 4097, 3, 100_000, 64, 0, 8];

    public static int Run(IlgpuBackend backend, string report)
    {
        var lines = new List<string>();
        int failed;
        try { failed = Check(backend, lines); }
        catch (Exception e)
        {
            failed = 1;
            lines.Add($"fused checks stopped: {e.GetType().Name}: {e.Message}");
        }
        lines.Add($"fused checks on {backend.Name}: {failed} failed");
        File.WriteAllLines(report, lines);
        foreach (var l in lines) Console.WriteLine(l);
        return failed;
    }

    private static int Check(IlgpuBackend backend, List<string> lines)
    {
        int failed = 0;
        void Report(string what, float[] merged, float[] unmerged, double tolerance)
        {
            int differing = merged.Where((v, i) => BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(unmerged[i])).Count();
            double worst = merged.Select((v, i) => Math.Abs(v - unmerged[i]) / (Math.Abs(unmerged[i]) + 1)).DefaultIfEmpty(0).Max();
            bool ok = worst <= tolerance && merged.All(float.IsFinite);
            if (!ok) failed++;
            lines.Add($"fused {what}: {(ok ? "ok" : "MISS")}, {differing} of {merged.Length} values differ in their bits, max |difference| / (|value| + 1) {worst:G3}");
        }
        var rng = new Rng(77);

        // Adam over a list against one AdamStep per parameter.
        var h = new AdamStepParams(1e-2f, 0.5f, 0.999f, 1e-8f, 0.5f, 0.001f, 0, 0);
        AdamTensors[] Parameters(Rng r) => [.. Sizes.Select(n => new AdamTensors(Tensor.RandN([n], r, backend: backend), Tensor.RandN([n], r, backend: backend),
            Tensor.RandN([n], r, backend: backend), Tensor.Rand([n], r, backend: backend)))];
        var (listed, single) = (Parameters(new Rng(5)), Parameters(new Rng(5)));
        backend.AdamSteps(listed, h);
        TensorListLowering.ComposedAdamSteps(backend, single, h);
        Report("adam-list vs adam", [.. listed.SelectMany(t => t.P.ToArray().Concat(t.M.ToArray()).Concat(t.V.ToArray()))],
            [.. single.SelectMany(t => t.P.ToArray().Concat(t.M.ToArray()).Concat(t.V.ToArray()))], 1e-6);

        // Sum of squares of a list: the list kernels, the per-tensor default, a float64 fold on the host.
        var tensors = Sizes.Select(n => Tensor.RandN([n], rng, backend: backend)).ToList();
        var (merged, unmerged) = (Tensor.Zeros([1], backend: backend), Tensor.Zeros([1], backend: backend));
        backend.SumOfSquares(tensors, merged);
        TensorListLowering.ComposedSumOfSquares(backend, tensors, unmerged);
        double exact = tensors.Sum(t => t.ToArray().Sum(v => (double)v * v));
        Report("sum of squares, lists vs one reduction each", merged.ToArray(), unmerged.ToArray(), 1e-5);
        Report("sum of squares, lists vs float64", merged.ToArray(), [(float)exact], 1e-5);

        // Batch norm's training statistics against BatchNormStats, two Maps and two Zips.
        var x = Tensor.RandN([128, 64, 14, 14], rng, mean: 1, backend: backend);
        (Tensor, Tensor, Tensor, BatchNormRunning) Outputs() => (Tensor.Zeros([64], backend: backend), Tensor.Zeros([64], backend: backend),
            Tensor.Zeros([64], backend: backend), new(Tensor.Zeros([64], backend: backend), Tensor.Ones([64], backend: backend), 0.1));
        var (a, b) = (Outputs(), Outputs());
        backend.BatchNormTrainingStats(x, a.Item1, a.Item2, a.Item3, 1e-5, a.Item4);
        BatchNormLowering.ComposedTrainingStats(backend, x, b.Item1, b.Item2, b.Item3, 1e-5, b.Item4);
        float[] All((Tensor, Tensor, Tensor, BatchNormRunning) o) =>
            [.. o.Item1.ToArray(), .. o.Item2.ToArray(), .. o.Item3.ToArray(), .. o.Item4.Mean!.ToArray(), .. o.Item4.Variance!.ToArray()];
        Report("batch norm training stats vs stats, maps and zips", All(a), All(b), 1e-6);

        // Mean losses: BCE with logits and the mean of a sigmoid, one launch against Zip or Map, Reduce, Map.
        var logits = Tensor.RandN([128, 1], rng, std: 3, backend: backend);
        var targets = Tensor.Rand([128, 1], rng, backend: backend);
        var (y1, y2) = (Tensor.Zeros([], backend: backend), Tensor.Zeros([], backend: backend));
        backend.ZipSum(logits, targets, y1, default(BceWithLogitsFn), 1.0 / 128);
        SumLowering.ComposedZipSum(backend, logits, targets, y2, default(BceWithLogitsFn), 1.0 / 128);
        Report("mean BCE with logits", y1.ToArray(), y2.ToArray(), 1e-6);
        backend.MapSum(logits, y1, default(SigmoidFn), 1.0 / 128);
        SumLowering.ComposedMapSum(backend, logits, y2, default(SigmoidFn), 1.0 / 128);
        Report("mean sigmoid", y1.ToArray(), y2.ToArray(), 1e-6);

        // The DCGAN discriminator's 64 -> 128 convolution with its bias, and the generator's 128 -> 64 transposed
        // convolution with its bias, at batch 128: written in full against the bias copy and accumulation.
        var g = new ConvGeometry(128, 64, 14, 14, 128, 4, 4, 2, 1);
        var (input, w, bias) = (Tensor.RandN([128, 64, 14, 14], rng, backend: backend), Tensor.RandN([128, 64 * 16], rng, std: 0.05, backend: backend),
            Tensor.RandN([128], rng, backend: backend));
        var (c1, c2) = (Tensor.Zeros([128, 128, 7, 7], backend: backend), Tensor.Zeros([128, 128, 7, 7], backend: backend));
        backend.Im2ColMatMulBias(w, input, bias, c1, g);
        backend.Copy(ConvLowering.BiasPlanes(bias, c2.Dims), c2);
        ConvGemmLowering.ChunkedIm2ColMatMul(backend, w, input, c2, g, accumulate: true, bias: null);
        Report("conv2d + bias, bias added in the reorder", c1.ToArray(), c2.ToArray(), 1e-6);
        var (t1, t2) = (Tensor.Zeros([128, 64, 14, 14], backend: backend), Tensor.Zeros([128, 64, 14, 14], backend: backend));
        var tb = Tensor.RandN([64], rng, backend: backend);
        backend.Col2ImMatMulInto(w, c1, tb, t1, g); // conv_transpose2d from (128, 128, 7, 7) to (128, 64, 14, 14)
        backend.Copy(ConvLowering.BiasPlanes(tb, t2.Dims), t2);
        ConvGemmLowering.ChunkedCol2ImMatMul(backend, w, c1, t2, g, backend.Col2Im);
        Report("conv_transpose2d + bias, written by col2im", t1.ToArray(), t2.ToArray(), 1e-6);
        return failed;
    }
}
