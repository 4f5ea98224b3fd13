using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Evaluation;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Nn;

/// <summary>Spectral normalisation: its gradient against finite differences (u and v fixed, as in
/// evaluation), and the known answer that power iteration drives the normalised weight's largest
/// singular value to 1.</summary>
public sealed class SpectralNormTests
{
    private static Tensor Weight(int rows, int columns, ulong seed) =>
        Tensor.RandN([rows, columns], new Rng(seed), dtype: DType.Float64, backend: Backend.Reference);

    [Theory, InlineData(3, 5), InlineData(1, 7), InlineData(4, 2)]
    public void Apply_Backward_MatchesFiniteDifferences(int rows, int columns)
    {
        var sn = new SpectralNorm(rows, columns, new Rng(3), Backend.Reference, DType.Float64);
        var weight = Weight(rows, columns, 11);
        for (int i = 0; i < 3; i++) sn.Apply(weight, training: true); // u, v away from their random start
        var r = Weight(rows, columns, 12); // a fixed random projection of the output
        GradCheck.Assert(xs => sn.Apply(xs[0], training: false).Mul(r).Sum(), [weight]);
        GradCheck.AssertSecondOrder(xs => sn.Apply(xs[0], training: false).Mul(r).Sum(), [weight]);
    }

    [Fact]
    public void PowerIteration_NormalisesTheLargestSingularValueToOne()
    {
        const int rows = 6, columns = 4;
        var sn = new SpectralNorm(rows, columns, new Rng(5), Backend.Reference, DType.Float64);
        var weight = Weight(rows, columns, 21).Mul(3.0);
        Tensor normalised = weight;
        for (int i = 0; i < 60; i++) normalised = sn.Apply(weight, training: true);
        Assert.InRange(LargestSingularValue(normalised.ToDoubleArray(), rows, columns), 1 - 1e-6, 1 + 1e-6);
        Assert.True(LargestSingularValue(weight.ToDoubleArray(), rows, columns) > 2, "the test weight must not be normalised already");
    }

    [Fact]
    public void Evaluation_LeavesTheVectorsAlone_TrainingMovesThem()
    {
        var sn = new SpectralNorm(3, 4, new Rng(7), Backend.Reference, DType.Float64);
        var weight = Weight(3, 4, 8);
        var u = sn.U.ToDoubleArray();
        sn.Apply(weight, training: false);
        Assert.Equal(u, sn.U.ToDoubleArray());
        sn.Apply(weight, training: true);
        Assert.NotEqual(u, sn.U.ToDoubleArray());
    }

    [Fact]
    public void LayersWithSpectralNorm_SaveTheVectors_AndUseTheNormalisedWeight()
    {
        var conv = new Conv2d(2, 3, 3, new Rng(1)).WithSpectralNorm(new Rng(2));
        Assert.Equal(["weight", "bias", "spectral.u", "spectral.v"], conv.StateDict().Select(p => p.Name).ToArray());
        Assert.Equal([3], conv.Spectral!.U.Dims.ToArray());
        Assert.Equal([2 * 3 * 3], conv.Spectral.V.Dims.ToArray());

        var linear = new Linear(4, 2, new Rng(3));
        var x = Tensor.RandN([5, 4], new Rng(4));
        var plain = linear.Forward(x).ToArray();
        linear.WithSpectralNorm(new Rng(5)).Eval();
        using (GradMode.NoGrad())
        {
            var sigma = linear.Spectral!.U.Reshape([1, 2]).MatMul(linear.Weight).Reshape([-1]).Mul(linear.Spectral.V).Sum().Item();
            var expected = linear.Weight.Div(sigma);
            Close.Assert(x.Linear(expected, linear.Bias).ToArray(), linear.Forward(x).ToArray(), 1e-6, 1e-6, "W / sigma");
            Assert.NotEqual(plain, linear.Forward(x).ToArray());
        }
    }

    // sqrt of the largest eigenvalue of W^T W.
    private static double LargestSingularValue(double[] w, int rows, int columns)
    {
        var gram = new double[columns * columns];
        for (int i = 0; i < columns; i++)
            for (int j = 0; j < columns; j++)
                for (int r = 0; r < rows; r++) gram[i * columns + j] += w[r * columns + i] * w[r * columns + j];
        return Math.Sqrt(SymmetricEigen.Decompose(gram, columns).Values.Max());
    }
}
