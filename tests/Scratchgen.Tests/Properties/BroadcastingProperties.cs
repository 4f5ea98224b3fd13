using CsCheck;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Properties;

/// <summary>
/// Property-based tests (CsCheck) of shapes and broadcasting: random shape pairs, random strided
/// views, checked against oracles written here from the NumPy rule, not from our code. A failure is
/// shrunk to the smallest pair of shapes that still fails and printed with its seed.
/// </summary>
public sealed class BroadcastingProperties
{
    private const int Iterations = 150;

    /// <summary>Two shapes made broadcast-compatible by construction, and the output shape that the
    /// construction implies: start from dims (rank 1-4, sides 1-5); each operand drops some leading
    /// axes and sets some of the rest to 1; the output has the longer operand's rank, and an output axis
    /// is dims[j] when some operand kept it, else 1.</summary>
    public sealed record Pair(int[] A, int[] B, int[] Out, int[] PermA)
    {
        public override string ToString() =>
            $"A {Shapes.Format(A)} B {Shapes.Format(B)} -> {Shapes.Format(Out)} (A stored as permutation [{string.Join(",", PermA)}])";
    }

    private static readonly Gen<Pair> Pairs =
        from dims in Gen.Int[1, 5].Array[1, 4]
        from dropA in Gen.Int[0, dims.Length - 1]
        from dropB in Gen.Int[0, dims.Length - 1]
        from onesA in Gen.Bool.Array[dims.Length]
        from onesB in Gen.Bool.Array[dims.Length]
        from keys in Gen.Int.Array[dims.Length - dropA]
        select Make(dims, dropA, dropB, onesA, onesB, keys);

    private static Pair Make(int[] dims, int dropA, int dropB, bool[] onesA, bool[] onesB, int[] keys)
    {
        int[] a = Enumerable.Range(dropA, dims.Length - dropA).Select(j => onesA[j] ? 1 : dims[j]).ToArray();
        int[] b = Enumerable.Range(dropB, dims.Length - dropB).Select(j => onesB[j] ? 1 : dims[j]).ToArray();
        int[] output = Enumerable.Range(Math.Min(dropA, dropB), dims.Length - Math.Min(dropA, dropB))
            .Select(j => (j >= dropA && !onesA[j]) || (j >= dropB && !onesB[j]) ? dims[j] : 1).ToArray();
        int[] perm = Enumerable.Range(0, a.Length).OrderBy(i => keys[i]).ThenBy(i => i).ToArray();
        return new Pair(a, b, output, perm);
    }

    private static double[] Values(int n, int seed) => Enumerable.Range(0, n).Select(i => Math.Round(Math.Sin(seed + 1.7 * i) * 4, 3)).ToArray();

    /// <summary>A tensor of <paramref name="shape"/> whose memory is laid out in the order of
    /// <paramref name="perm"/> (stored permuted, viewed back): a strided, non-contiguous view.</summary>
    private static Tensor Strided(double[] logical, int[] shape, int[] perm, IBackend backend)
    {
        int[] stored = perm.Select(p => shape[p]).ToArray();
        var storedValues = new double[logical.Length];
        var strides = Shapes.ContiguousStrides(shape);
        var idx = new int[shape.Length];
        for (int flat = 0; flat < logical.Length; flat++)
        {
            // index in stored order -> logical index
            int rem = flat, logicalOffset = 0;
            for (int d = stored.Length - 1; d >= 0; d--)
            {
                idx[perm[d]] = rem % stored[d];
                rem /= stored[d];
            }
            for (int d = 0; d < shape.Length; d++) logicalOffset += idx[d] * strides[d];
            storedValues[flat] = logical[logicalOffset];
        }
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return Tensor.FromArray(storedValues, stored, DType.Float32, backend).Permute(inverse);
    }

    /// <summary>The NumPy rule, element by element: out[i] = a[i mapped] + b[i mapped], where an
    /// operand's index on an axis of size 1 is 0 and missing leading axes are ignored.</summary>
    private static double[] OracleAdd(double[] a, int[] aShape, double[] b, int[] bShape, int[] outShape)
    {
        int n = Shapes.Numel(outShape);
        var result = new double[n];
        var idx = new int[outShape.Length];
        for (int flat = 0; flat < n; flat++)
        {
            int rem = flat;
            for (int d = outShape.Length - 1; d >= 0; d--) { idx[d] = rem % outShape[d]; rem /= outShape[d]; }
            result[flat] = a[Map(idx, aShape)] + b[Map(idx, bShape)];
        }
        return result;
    }

    private static int Map(int[] outIndex, int[] shape)
    {
        int offset = 0, lead = outIndex.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++) offset = offset * shape[d] + (shape[d] == 1 ? 0 : outIndex[lead + d]);
        return offset;
    }

    [Fact]
    public void BroadcastShape_IsTheConstructedShape_AndSymmetric() =>
        Pairs.Sample(p =>
        {
            Assert.Equal(p.Out, Shapes.Broadcast("prop", p.A, p.B));
            Assert.Equal(p.Out, Shapes.Broadcast("prop", p.B, p.A));
        }, iter: Iterations * 4);

    [Theory, InlineData("cpu"), InlineData("reference")]
    public void Add_OfStridedBroadcastViews_MatchesTheElementwiseRule(string backendName) =>
        Pairs.Sample(p =>
        {
            var backend = Backend.FromName(backendName);
            double[] a = Values(Shapes.Numel(p.A), 1), b = Values(Shapes.Numel(p.B), 2);
            var sum = Strided(a, p.A, p.PermA, backend).Add(Tensor.FromArray(b, p.B, DType.Float32, backend));
            Assert.Equal(p.Out, sum.Dims);
            Support.Close.Assert(OracleAdd(a, p.A, b, p.B, p.Out), sum.ToDoubleArray(), 1e-5, 1e-6, p.ToString());
        }, iter: Iterations);

    [Fact]
    public void SumTo_IsTheAdjointOfBroadcasting() =>
        // <expand(x), y> == <x, sumTo(y)> for every x of shape A and y of the output shape: the
        // backward of a broadcast (SumTo) is exactly the transpose of the forward.
        Pairs.Sample(p =>
        {
            var x = Tensor.FromArray(Values(Shapes.Numel(p.A), 3), p.A, DType.Float64, Backend.Reference);
            var y = Tensor.FromArray(Values(Shapes.Numel(p.Out), 4), p.Out, DType.Float64, Backend.Reference);
            double left = x.Expand(p.Out).Mul(y).Sum().Item();
            double right = x.Mul(y.SumTo(p.A)).Sum().Item();
            Assert.True(Math.Abs(left - right) <= 1e-9 * (1 + Math.Abs(left)), $"{p}: <expand x, y> = {left}, <x, sumTo y> = {right}");
        }, iter: Iterations);

    [Fact]
    public void GradientOfABroadcastAdd_CountsTheCopies() =>
        // d/da sum(a + b) = (number of output elements each a element reaches) = numel(out) / numel(a).
        Pairs.Sample(p =>
        {
            var a = Tensor.FromArray(Values(Shapes.Numel(p.A), 5), p.A, DType.Float64, Backend.Reference).RequireGrad();
            var b = Tensor.FromArray(Values(Shapes.Numel(p.B), 6), p.B, DType.Float64, Backend.Reference).RequireGrad();
            var grads = Gradients.Of(a.Add(b).Sum(), [a, b]);
            double copiesA = (double)Shapes.Numel(p.Out) / Shapes.Numel(p.A), copiesB = (double)Shapes.Numel(p.Out) / Shapes.Numel(p.B);
            Assert.All(grads[0].ToDoubleArray(), g => Assert.Equal(copiesA, g));
            Assert.All(grads[1].ToDoubleArray(), g => Assert.Equal(copiesB, g));
            Assert.Equal(p.A, grads[0].Dims);
            Assert.Equal(p.B, grads[1].Dims);
        }, iter: Iterations);

    [Fact]
    public void IncompatibleShapes_AreRefusedNamingBoth() =>
        // Make A's last axis and B's differ with both > 1: no broadcast exists.
        Pairs.Sample(p =>
        {
            int j = p.A.Length - 1;
            int[] a = (int[])p.A.Clone(), b = (int[])p.A.Clone();
            a[j] = Math.Max(2, a[j]);
            b[j] = a[j] + 1;
            var ex = Assert.Throws<ShapeException>(() => Shapes.Broadcast("add", a, b));
            Assert.Contains(Shapes.Format(a), ex.Message);
            Assert.Contains(Shapes.Format(b), ex.Message);
        }, iter: Iterations);

    [Fact]
    public void ReshapeAndPermute_RoundTrip() =>
        Pairs.Sample(p =>
        {
            var values = Values(Shapes.Numel(p.A), 7);
            var x = Strided(values, p.A, p.PermA, Backend.Cpu);
            Assert.Equal(values.Select(v => (float)v), x.ToArray());                        // the view reads logically
            Assert.Equal(x.ToArray(), x.Reshape([-1]).Reshape(p.A).ToArray());              // reshape of a view copies as needed
            var inverse = new int[p.PermA.Length];
            for (int i = 0; i < inverse.Length; i++) inverse[p.PermA[i]] = i;
            Assert.Equal(x.ToArray(), x.Permute(p.PermA).Permute(inverse).ToArray());
        }, iter: Iterations);
}
