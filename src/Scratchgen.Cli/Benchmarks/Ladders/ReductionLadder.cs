using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>
/// The reduction family: the sum of each row of x (rows, cols) and of each column, as the ops sum a batch's
/// gradient; the output is the row sums followed by the column sums. Rungs: each
/// backend's kernels. Shape (rows, cols). Reference: the Reference backend in float64; a sum of n terms may miss
/// it by sqrt(n) u sum |x|.
/// </summary>
internal sealed class ReductionLadder : OpLadder
{
    public override string Family => "reduce";

    public override string RateUnit => "GB/s";

    public override IReadOnlyList<int[]> CheckShapes { get; } = [[1, 1], [7, 7], [33, 33], [1, 1025], [17, 15], [9, 65], [128, 256]];

    /// <summary>A batch of `size` rows of 1,024.</summary>
    public override int[] TimingShape(int size) => [size, 1024];

    // x read once per reduction.
    public override double Work(int[] s) => 2.0 * 4 * s[0] * s[1];

    public override LadderProblem Problem(int[] s, int seed) => new(s, [Uniform(s[0] * s[1], new Random(seed))]);

    protected override string OpName => "sum rows+cols";

    protected override int[][] InputShapes(LadderProblem p) => [p.Shape];

    protected override Tensor Apply(Tensor[] t, int[] shape) => TensorShape.Concat([t[0].Sum(1), t[0].Sum(0)], 0);

    public override (double[] Expected, double[] Allowed) Reference(LadderProblem p)
    {
        double[] expected = InFloat64(p), magnitude = InFloat64(p, Math.Abs);
        int rows = p.Shape[0], cols = p.Shape[1];
        return (expected, expected.Select((e, i) => Allowed(e, i < rows ? cols : rows, magnitude[i])).ToArray());
    }
}
