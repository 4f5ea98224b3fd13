using System.Diagnostics;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// The fastest rung per product, timed on the device the first time a product shape is asked for (as
// cuDNN's benchmark mode picks a convolution algorithm), among the rungs whose results are the same bits.
internal sealed partial class IlgpuBackend
{
    private MatMulKernels.Variant _matMulVariant = MatMulKernels.Default;
    private readonly Dictionary<MatMulShape, MatMulKernels.Variant> _tuned = [];
    private readonly Lock _tuning = new();

    /// <summary>The rung MatMul launches when it does not tune; setting it (tests, `--matmul`) turns tuning off,
    /// so a rung chosen by hand is the rung that runs.</summary>
    internal MatMulKernels.Variant MatMulVariant
    {
        get => _matMulVariant;
        set
        {
            _matMulVariant = value;
            TuneMatMul = false;
        }
    }

    /// <summary>
    /// On (the default on GPUs; off on ILGPU's CPU accelerator, a correctness tool): each product shape and
    /// operand layout runs the fastest of <see cref="MatMulKernels.TuningCandidates"/>, timed the first time
    /// it is asked for. Those rungs (some of <see cref="MatMulKernels.SameSums"/>) add every output's products
    /// in the same order, and K is split (split-K) by the same rule whichever rung runs, so tuning changes no
    /// value: the result is the bits the default rung gives. Each candidate's first result is compared with
    /// the default rung's on the device, and one that differs is not chosen (on a device whose compiler
    /// contracted differently, results would stay deterministic). Costs a compile per candidate and a few
    /// launches per candidate and shape, in the first training step.
    /// </summary>
    internal bool TuneMatMul { get; set; }

    /// <summary>The rungs tuning times (tests add one whose sums differ, to see it refused).</summary>
    internal MatMulKernels.Variant[] TuningRungs { get; set; } = MatMulKernels.TuningCandidates;

    /// <summary>A product c (Batch, M, N) (+)= a (Batch, M, K) @ b (Batch, K, N) as the tuning, MatMulLog and
    /// `GpuRunner gemms` see it: its sizes, whether a is read transposed (stored (K, M): unit stride along M) and
    /// b too (stored (N, K)), whether V8 can read both 16 bytes at a time, and whether it accumulates.</summary>
    internal readonly record struct MatMulShape(int Batch, int M, int N, int K, bool ATransposed, bool BTransposed, bool Wide, bool Accumulate)
    {
        public static MatMulShape Of(Tensor a, Tensor b, Tensor c, bool accumulate)
        {
            var (va, vb) = (View(a), View(b));
            var dims = new MatDims(c.Dims[0], c.Dims[1], c.Dims[2], a.Dims[2], 0);
            return new(dims.Batch, dims.M, dims.N, dims.K, va.Col != 1 && va.Row == 1, vb.Col != 1 && vb.Row == 1, WideLoadable(va, vb, dims), accumulate);
        }

        public override string ToString() =>
            $"{Batch}x({M}x{K}{(ATransposed ? "^T" : "")} @ {K}x{N}{(BTransposed ? "^T" : "")}){(Accumulate ? " +=" : "")}";
    }

    /// <summary>Every tuned product so far and the rung it runs.</summary>
    internal IReadOnlyList<(MatMulShape Shape, MatMulKernels.Variant Rung)> TunedRungs
    {
        get
        {
            lock (_tuning) return _tuned.Select(kv => (kv.Key, kv.Value)).ToList();
        }
    }

    /// <summary>Candidates whose bits differed from the default rung's (expected: none).</summary>
    internal int TuningMismatches { get; private set; }

    // c (+)= a @ b on the tuned rung, with K split by the default rung's rule whichever rung runs.
    private void TunedMatMul(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        int parts = AutoSplitK(c.Dims[0], c.Dims[1], c.Dims[2], a.Dims[2], TileOf(MatMulKernels.Default), _accelerator.NumMultiprocessors);
        MatMul(a, b, c, accumulate, Tuned(a, b, c, accumulate, parts), parts);
    }

    private MatMulKernels.Variant Tuned(Tensor a, Tensor b, Tensor c, bool accumulate, int parts)
    {
        var shape = MatMulShape.Of(a, b, c, accumulate);
        lock (_tuning)
        {
            if (_tuned.TryGetValue(shape, out var known)) return known;
            // The trials write into scratch (a copy of c when the product accumulates): c is written once, by the caller.
            using var trial = Temporary(c.Numel, c.Dims);
            float[]? expected = null;
            var best = (Rung: MatMulKernels.Default, Microseconds: double.PositiveInfinity);
            // The default rung first: its bits are the ones every candidate must reproduce.
            foreach (var rung in TuningRungs.OrderBy(r => r != MatMulKernels.Default))
            {
                if (rung == MatMulKernels.Variant.V8WideLoads && !shape.Wide) continue; // it would run V7
                if (accumulate) Copy(c, trial.Tensor);
                MatMul(a, b, trial.Tensor, accumulate, rung, parts); // compiles it on first use
                var bits = trial.Tensor.ToArray();
                expected ??= bits;
                if (!expected.AsSpan().SequenceEqual(bits))
                {
                    TuningMismatches++;
                    continue;
                }
                double us = MedianMicroseconds(() => MatMul(a, b, trial.Tensor, accumulate, rung, parts));
                if (us < best.Microseconds) best = (rung, us);
            }
            _tuned[shape] = best.Rung;
            return best.Rung;
        }
    }

    /// <summary>Device time per launch: the median over <paramref name="rounds"/> rounds of <paramref name="perRound"/>
    /// back-to-back launches and a device wait, wall clock (warm the launch up first). The tuning's clock, and
    /// `GpuRunner gemms`'.</summary>
    internal double MedianMicroseconds(Action launch, int rounds = 3, int perRound = 3)
    {
        var times = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            Synchronize();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++) launch();
            Synchronize();
            times[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / perRound;
        }
        Array.Sort(times);
        return times[rounds / 2];
    }
}
