using System.Runtime.Intrinsics.X86;
using Scratchgen.Backends;
using Scratchgen.Backends.Cpu.Conv;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>
/// 2-D convolution forward with bias, y (N, K, OH, OW) = x (N, C, H, W) * w (K, C, R, R) + b. Rungs: each
/// backend's conv2d (the Cpu and ILGPU backends lower it to im2col + GEMM; kernels-docs/conv2d.md) and the
/// direct convolution CpuDirectConv (V4 of that page). Shape (N, C, H, W, K, R, stride, padding). Reference:
/// the Reference backend in float64; each output may miss it by sqrt(C R R + 1) u times its sum of |terms|.
/// </summary>
internal sealed class ConvLadder : OpLadder
{
    public override string Family => "conv";

    public override string RateUnit => "GFLOPS";

    // 1x1 images and kernels, 7 and 33 sides, 15 and 17 output channels (one off CpuDirectConv's 16), stride 2
    // with padding (the DCGAN's 4x4/2), round ones.
    public override IReadOnlyList<int[]> CheckShapes { get; } =
    [
        [1, 1, 1, 1, 1, 1, 1, 0], [1, 3, 7, 7, 5, 3, 1, 1], [2, 2, 33, 33, 7, 3, 2, 1], [2, 5, 9, 9, 15, 4, 2, 1],
        [1, 4, 8, 8, 17, 3, 1, 0], [2, 16, 14, 14, 32, 4, 2, 1],
    ];

    /// <summary>The DCGAN discriminator's second layer at batch `size`: 64 -> 128 channels, 14x14, 4x4, stride 2.</summary>
    public override int[] TimingShape(int size) => [size, 64, 14, 14, 128, 4, 2, 1];

    private static ConvGeometry Geometry(int[] s) => new(s[0], s[1], s[2], s[3], s[4], s[5], s[5], s[6], s[7]);

    public override double Work(int[] s)
    {
        var g = Geometry(s);
        return 2.0 * g.N * g.K * g.Positions * g.PatchSize;
    }

    public override LadderProblem Problem(int[] s, int seed)
    {
        var rng = new Random(seed);
        var g = Geometry(s);
        return new(s, [Uniform(g.N * g.C * g.H * g.W, rng), Uniform(g.K * g.PatchSize, rng), Uniform(g.K, rng)]);
    }

    protected override string OpName => "conv2d";

    protected override int[][] InputShapes(LadderProblem p) =>
        [[p.Shape[0], p.Shape[1], p.Shape[2], p.Shape[3]], [p.Shape[4], p.Shape[1], p.Shape[5], p.Shape[5]], [p.Shape[4]]];

    protected override Tensor Apply(Tensor[] t, int[] s) => t[0].Conv2d(t[1], t[2], stride: s[6], padding: s[7]);

    public override (double[] Expected, double[] Allowed) Reference(LadderProblem p)
    {
        double[] expected = InFloat64(p), magnitude = InFloat64(p, Math.Abs);
        double terms = Geometry(p.Shape).PatchSize + 1;
        return (expected, expected.Select((e, i) => Allowed(e, terms, magnitude[i])).ToArray());
    }

    /// <summary>Each backend's conv2d, and the direct convolution where the CPU has FMA and cpu is named.</summary>
    public override IEnumerable<Rung> Rungs(IReadOnlyList<string> backends)
    {
        foreach (var rung in base.Rungs(backends)) yield return rung;
        if (backends.Contains("cpu") && Fma.IsSupported)
            yield return new("CpuDirectConv", "cpu", p => new DirectRun(p));
    }

    private sealed class DirectRun(LadderProblem p) : IRungRun
    {
        private readonly float[] _y = new float[Geometry(p.Shape) is var g ? g.N * g.K * g.Positions : 0];

        public void Run() => CpuDirectConv.Forward(p.Inputs[0], p.Inputs[1], p.Inputs[2], _y, Geometry(p.Shape));

        public float[] Result() => _y;

        public void Dispose() { }
    }
}
