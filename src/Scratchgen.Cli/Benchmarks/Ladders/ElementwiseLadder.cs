using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>
/// The elementwise family: y = tanh(x + b), b (cols) broadcast over the rows of x (rows, cols): a zip with
/// broadcasting, then a map. Rungs: each backend's kernels. Shape (rows, cols).
/// Reference: the Reference backend in float64, within the suite's tolerance.
/// </summary>
internal sealed class ElementwiseLadder : OpLadder
{
    public override string Family => "elementwise";

    public override string RateUnit => "GB/s";

    // 1, 7 and 33 wide; one off a Vector256 (8) and a Vector512 (16) of floats; round.
    public override IReadOnlyList<int[]> CheckShapes { get; } = [[1, 1], [7, 7], [33, 33], [3, 15], [5, 17], [2, 9], [64, 256]];

    /// <summary>A hidden layer's activations at batch `size`: size x 1,024.</summary>
    public override int[] TimingShape(int size) => [size, 1024];

    // x read, the sum written and read back, y written.
    public override double Work(int[] s) => 4.0 * 4 * s[0] * s[1];

    public override LadderProblem Problem(int[] s, int seed)
    {
        var rng = new Random(seed);
        return new(s, [Uniform(s[0] * s[1], rng), Uniform(s[1], rng)]);
    }

    protected override string OpName => "add+tanh";

    protected override int[][] InputShapes(LadderProblem p) => [p.Shape, [p.Shape[1]]];

    protected override Tensor Apply(Tensor[] t, int[] shape) => t[0].Add(t[1]).Tanh();

    public override (double[] Expected, double[] Allowed) Reference(LadderProblem p)
    {
        double[] expected = InFloat64(p);
        return (expected, expected.Select(e => Allowed(e, 0, 0)).ToArray());
    }
}
