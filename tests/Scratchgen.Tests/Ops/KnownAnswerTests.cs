using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Ops;

/// <summary>Tiny hand-computed cases, on every backend: the answers are worked out by hand in the comments.</summary>
public abstract class KnownAnswerTests
{
    protected abstract IBackend Backend { get; }

    private Tensor T(float[] v, int[] shape) => Tensor.FromArray(v, shape, Backend);

    [Fact]
    public void MatMul_2x3_By_3x2()
    {
        // [1 2 3; 4 5 6] @ [7 8; 9 10; 11 12] = [58 64; 139 154]
        var c = T([1, 2, 3, 4, 5, 6], [2, 3]).MatMul(T([7, 8, 9, 10, 11, 12], [3, 2]));
        Assert.Equal([58f, 64f, 139f, 154f], c.ToArray());
    }

    [Fact]
    public void Linear_AddsBiasPerOutput()
    {
        // x = [1 2], W = [1 0; 0 1; 1 1], b = [10 20 30]  => [11 22 33]
        var y = T([1, 2], [1, 2]).Linear(T([1, 0, 0, 1, 1, 1], [3, 2]), T([10, 20, 30], [3]));
        Assert.Equal([11f, 22f, 33f], y.ToArray());
    }

    [Fact]
    public void Broadcasting_ColumnPlusRow()
    {
        // [[0],[10]] + [1 2 3] = [[1 2 3],[11 12 13]]
        var y = T([0, 10], [2, 1]).Add(T([1, 2, 3], [3]));
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([1f, 2f, 3f, 11f, 12f, 13f], y.ToArray());
    }

    [Fact]
    public void Softmax_OfLogOneTwoOne()
    {
        // softmax([0, ln 2, 0]) = [1, 2, 1] / 4
        Close.Assert([0.25f, 0.5f, 0.25f], T([0, MathF.Log(2), 0], [3]).Softmax().ToArray(), 1e-6, 1e-6, "softmax");
    }

    [Fact]
    public void LogSumExp_OfHugeValues_DoesNotOverflow()
    {
        // logsumexp([1000, 1000]) = 1000 + ln 2
        Assert.Equal(1000 + Math.Log(2), T([1000, 1000], [2]).LogSumExp().Item(), 3);
    }

    [Fact]
    public void SumMeanMax_OverAxes()
    {
        var x = T([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Equal([5f, 7f, 9f], x.Sum(0).ToArray());
        Assert.Equal([6f, 15f], x.Sum(1).ToArray());
        Assert.Equal([2, 1], x.Sum(1, keepdim: true).Shape.ToArray());
        Assert.Equal(3.5, x.Mean().Item(), 6);
        Assert.Equal([3f, 6f], x.Max(1).ToArray());
        Assert.Equal(6.0, x.Max().Item());
    }

    [Fact]
    public void SumOfSquares_SmallAndLarge()
    {
        Assert.Equal(14.0, T([1, -2, 3], [3]).SumOfSquares(), 5);
        // 90,300 elements: the Cpu backend's long-row path splits it across threads and combines partials.
        var values = Enumerable.Range(0, 300 * 301).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        double expected = values.Sum(v => (double)v * v);
        Assert.Equal(expected, T(values, [300, 301]).SumOfSquares(), expected * 2e-4); // float32 sums in different orders
        Assert.Equal(expected, T(values, [300, 301]).Transpose(0, 1).SumOfSquares(), expected * 2e-4);
    }

    [Fact]
    public void Max_TiesShareTheGradient()
    {
        var x = T([2, 5, 5], [3]).RequireGrad();
        x.Max().Backward();
        Assert.Equal([0f, 0.5f, 0.5f], x.Grad!.ToArray());
    }

    [Fact]
    public void BceWithLogits_IsFiniteAndExactAtHugeLogits()
    {
        // logit 1e4, target 1: loss = log(1 + e^-1e4) = 0.  logit -1e4, target 1: loss = 1e4.
        var x = T([1e4f, -1e4f], [2]).RequireGrad();
        var loss = Loss.BceWithLogits(x, T([1, 1], [2]), LossReduction.Sum);
        Assert.Equal(1e4, loss.Item(), 1);
        loss.Backward();
        // d/dx = sigmoid(x) - t = [0, -1]
        Close.Assert([0f, -1f], x.Grad!.ToArray(), 1e-6, 0, "bce_with_logits gradient");
    }

    [Fact]
    public void Bce_OfHalf_IsLn2()
    {
        Assert.Equal(Math.Log(2), Loss.Bce(T([0.5f, 0.5f], [2]), T([0, 1], [2])).Item(), 5);
    }

    [Fact]
    public void CrossEntropy_UniformLogits_IsLnC()
    {
        Assert.Equal(Math.Log(4), Loss.CrossEntropy(Tensor.Zeros([3, 4], backend: Backend), [0, 3, 1]).Item(), 5);
    }

    [Fact]
    public void GaussianKl_StandardNormal_IsZero_AndShiftedMean()
    {
        Assert.Equal(0.0, Loss.GaussianKl(Tensor.Zeros([2, 3], backend: Backend), Tensor.Zeros([2, 3], backend: Backend)).Item(), 6);
        // mu = 2 on one of 3 dims, logvar = 0: KL = mu^2 / 2 = 2 per sample
        var mu = T([2, 0, 0, 2, 0, 0], [2, 3]);
        Assert.Equal(2.0, Loss.GaussianKl(mu, Tensor.Zeros([2, 3], backend: Backend)).Item(), 5);
    }

    [Fact]
    public void MseAndL1()
    {
        var p = T([1, 2, 3], [3]);
        var t = T([1, 4, 0], [3]);
        Assert.Equal((0 + 4 + 9) / 3.0, Loss.Mse(p, t).Item(), 5);
        Assert.Equal((0 + 2 + 3) / 3.0, Loss.L1(p, t).Item(), 5);
        Assert.Equal(13.0, Loss.Mse(p, t, LossReduction.Sum).Item(), 5);
    }

    [Fact]
    public void GatherAndIndexSelect()
    {
        var x = T([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Equal([3f, 4f], x.Gather(1, [2, 0], [2, 1]).ToArray());
        Assert.Equal([4f, 5f, 6f, 4f, 5f, 6f, 1f, 2f, 3f], x.IndexSelect(0, [1, 1, 0]).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, [3, 0], [2, 1]));
    }

    [Fact]
    public void ConcatAndStack()
    {
        var a = T([1, 2], [1, 2]);
        var b = T([3, 4], [1, 2]);
        Assert.Equal([1f, 2f, 3f, 4f], TensorShape.Concat([a, b], 0).ToArray());
        Assert.Equal([1f, 2f, 3f, 4f], TensorShape.Concat([a, b], 1).ToArray());
        var s = TensorShape.Stack([a.Reshape([2]), b.Reshape([2])], 1);
        Assert.Equal([2, 2], s.Shape.ToArray());
        Assert.Equal([1f, 3f, 2f, 4f], s.ToArray());
    }

    [Fact]
    public void Activations_AtKnownPoints()
    {
        var x = T([-2, 0, 3], [3]);
        Assert.Equal([0f, 0f, 3f], x.Relu().ToArray());
        Assert.Equal([-0.2f, 0f, 3f], x.LeakyRelu(0.1).ToArray());
        Close.Assert([MathF.Exp(-2) - 1, 0f, 3f], x.Elu().ToArray(), 1e-6, 1e-6, "elu");
        Close.Assert([1 / (1 + MathF.Exp(2)), 0.5f, 1 / (1 + MathF.Exp(-3))], x.Sigmoid().ToArray(), 1e-7, 1e-6, "sigmoid");
        Close.Assert([MathF.Tanh(-2), 0f, MathF.Tanh(3)], x.Tanh().ToArray(), 1e-7, 1e-6, "tanh");
        Close.Assert([MathF.Log(1 + MathF.Exp(-2)), MathF.Log(2), 3 + MathF.Log(1 + MathF.Exp(-3))], x.Softplus().ToArray(), 1e-6, 1e-6, "softplus");
        Assert.Equal([-1f, 0f, 1f], x.Clamp(-1, 1).ToArray());
    }

    [Fact]
    public void Dropout_KeepsExpectedShare_ScalesSurvivors_AndIsIdentityInEval()
    {
        var x = Tensor.Ones([10000], backend: Backend);
        var y = x.Dropout(0.25, new Rng(3)).ToArray();
        Assert.True(y.All(v => v == 0f || Math.Abs(v - 4f / 3f) < 1e-6));
        Assert.InRange(y.Count(v => v == 0f) / 10000.0, 0.23, 0.27);
        Assert.Same(x, x.Dropout(0.25, new Rng(3), training: false));
    }
}

public sealed class CpuKnownAnswerTests : KnownAnswerTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;
}

public sealed class ReferenceKnownAnswerTests : KnownAnswerTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Reference;
}
