using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>
/// Batch norm in training mode, y = gamma (x - mean_c) / sqrt(var_c + 1e-5) + beta over each channel c of
/// x (N, C, H, W), the statistics of the batch (kernels-docs/batchnorm.md). Rungs: each backend's kernels.
/// Shape (N, C, H, W). Reference: the Reference backend in float64; the statistics are float32 sums of N H W
/// terms, so each output may miss by sqrt(N H W) u times (|normalized x| + 1) |gamma| besides the usual tolerance.
/// </summary>
internal sealed class BatchNormLadder : OpLadder
{
    public override string Family => "batchnorm";

    public override string RateUnit => "GB/s";

    public override IReadOnlyList<int[]> CheckShapes { get; } =
        [[1, 1, 1, 2], [7, 3, 1, 1], [2, 7, 7, 7], [3, 5, 33, 1], [4, 17, 15, 17], [8, 16, 8, 8]];

    /// <summary>The DCGAN generator's second batch norm at batch `size`: 64 channels of 14x14.</summary>
    public override int[] TimingShape(int size) => [size, 64, 14, 14];

    // x read twice (statistics, then normalization) and y written: 3 floats per element.
    public override double Work(int[] s) => 3.0 * 4 * s[0] * s[1] * s[2] * s[3];

    public override LadderProblem Problem(int[] s, int seed)
    {
        var rng = new Random(seed);
        var x = Uniform(s[0] * s[1] * s[2] * s[3], rng);
        for (int i = 0; i < x.Length; i++) x[i] = 3 * x[i] + 0.5f; // an offset mean, as activations have
        return new(s, [x, Uniform(s[1], rng), Uniform(s[1], rng)]);
    }

    protected override string OpName => "batch_norm";

    protected override int[][] InputShapes(LadderProblem p) => [p.Shape, [p.Shape[1]], [p.Shape[1]]];

    protected override Tensor Apply(Tensor[] t, int[] shape) => t[0].BatchNorm(t[1], t[2], training: true);

    public override (double[] Expected, double[] Allowed) Reference(LadderProblem p)
    {
        double[] expected = InFloat64(p);
        int c = p.Shape[1], plane = p.Shape[2] * p.Shape[3], count = p.Shape[0] * plane;
        var allowed = new double[expected.Length];
        for (int i = 0; i < expected.Length; i++)
        {
            int channel = i / plane % c;
            double gamma = Math.Abs(p.Inputs[1][channel]), normalized = Math.Abs(expected[i] - p.Inputs[2][channel]) / Math.Max(gamma, 1e-30);
            allowed[i] = Allowed(expected[i], count, (normalized + 1) * gamma);
        }
        return (expected, allowed);
    }
}
