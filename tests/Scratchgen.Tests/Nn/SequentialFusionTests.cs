using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Nn;

/// <summary>Sequential runs a Linear with a bias and the activation after it as one fused op
/// (linear+activation), and a BatchNorm in training and the activation after it likewise (batch_norm+activation):
/// the same output, gradients and running statistics as the layers applied one by one, on each backend.</summary>
public sealed class SequentialFusionTests
{
    public static TheoryData<string> Backends => new() { "cpu", "reference", "ilgpu-cpu" };

    [Theory, MemberData(nameof(Backends))]
    public void FusedPairs_MatchTheLayersOneByOne(string name)
    {
        var backend = Backend.FromName(name);
        var rng = new Rng(3);
        Layer[] layers =
        [
            new Linear(9, 7, rng, backend: backend), new LeakyRelu(0.2), new Linear(7, 5, rng, backend: backend), new Tanh(),
            new Linear(5, 4, rng, bias: false, backend: backend), new Relu(), new Linear(4, 6, rng, backend: backend), new BatchNorm(6, backend: backend),
            new Relu(), new Linear(6, 3, rng, backend: backend), new Sigmoid(),
        ];
        var net = new Sequential(layers);
        var x = Tensor.RandN([6, 9], new Rng(4), backend: backend).RequireGrad();

        var fused = net.Forward(x);
        var opNames = new List<string>();
        for (var t = fused; t.GradFn != null; t = t.GradFn.Inputs[0]) opNames.Add(t.GradFn.Name);
        Assert.Equal(["linear+sigmoid", "batch_norm+relu", "linear", "relu", "linear", "linear+tanh", "linear+leaky_relu"], opNames);

        var bn = (BatchNorm)layers[7];
        float[] runningMean = bn.RunningMean.ToArray(), runningVar = bn.RunningVar.ToArray();
        bn.RunningMean.Backend.Copy(Tensor.Zeros([6], backend: backend), bn.RunningMean);
        bn.RunningVar.Backend.Copy(Tensor.Ones([6], backend: backend), bn.RunningVar);
        var oneByOne = x;
        foreach (var layer in layers) oneByOne = layer.Forward(oneByOne);
        Assert.Equal(oneByOne.ToArray(), fused.ToArray());
        Assert.Equal(bn.RunningMean.ToArray(), runningMean);
        Assert.Equal(bn.RunningVar.ToArray(), runningVar);

        AssertSameGradients(fused, oneByOne, net.Parameters().Prepend(x).ToArray(), seed: 5);
    }

    /// <summary>(N, C, H, W) inputs take the fused kernels (the (N, C) case above takes the composite path):
    /// planes of 25 values (three 8-lane groups and a tail) and of 5 (a tail only).</summary>
    [Theory]
    [InlineData("cpu", 5, 5)]
    [InlineData("cpu", 1, 5)]
    [InlineData("reference", 5, 5)]
    [InlineData("ilgpu-cpu", 5, 5)]
    public void BatchNormPairs_OnImages_MatchTheLayersOneByOne(string name, int h, int w)
    {
        var backend = Backend.FromName(name);
        foreach (Layer activation in new Layer[] { new LeakyRelu(0.2), new Relu(), new Tanh(), new Elu(0.5) })
        {
            Layer[] layers = [new BatchNorm(3, backend: backend), activation];
            var net = new Sequential(layers);
            var x = Tensor.RandN([4, 3, h, w], new Rng(8), backend: backend).RequireGrad();
            var fused = net.Forward(x);
            Assert.StartsWith("batch_norm+", fused.GradFn!.Name);
            var oneByOne = layers[1].Forward(layers[0].Forward(x));
            Assert.Equal(oneByOne.ToArray(), fused.ToArray());
            AssertSameGradients(fused, oneByOne, net.Parameters().Prepend(x).ToArray(), seed: 9);
        }
    }

    /// <summary>Conv2d with a bias and the activation after it (conv2d+activation): equal to the layers one by one
    /// where the conv GEMM takes C R S in one block (27 here).</summary>
    [Theory]
    [InlineData("cpu")]
    [InlineData("reference")]
    [InlineData("ilgpu-cpu")]
    public void ConvPairs_MatchTheLayersOneByOne(string name)
    {
        var backend = Backend.FromName(name);
        var rng = new Rng(10);
        Layer[] layers = [new Conv2d(3, 4, 3, rng, stride: 2, padding: 1, backend: backend), new LeakyRelu(0.2)];
        var net = new Sequential(layers);
        var x = Tensor.RandN([2, 3, 9, 7], new Rng(11), backend: backend).RequireGrad();
        var fused = net.Forward(x);
        Assert.Equal("conv2d+leaky_relu", fused.GradFn!.Name);
        var oneByOne = layers[1].Forward(layers[0].Forward(x));
        Assert.Equal(oneByOne.ToArray(), fused.ToArray());
        AssertSameGradients(fused, oneByOne, net.Parameters().Prepend(x).ToArray(), seed: 12);
    }

    // The gradients of sum(y * r), r random, for every input: the same bit for bit through both graphs.
    private static void AssertSameGradients(Tensor fused, Tensor oneByOne, Tensor[] inputs, ulong seed)
    {
        var r = Tensor.RandN(fused.Dims, new Rng(seed), backend: fused.Backend);
        var gradsFused = Gradients.Of(fused.Mul(r).Sum(), inputs);
        var gradsOneByOne = Gradients.Of(oneByOne.Mul(r).Sum(), inputs);
        for (int i = 0; i < inputs.Length; i++)
            Assert.Equal(gradsOneByOne[i].ToArray(), gradsFused[i].ToArray());
    }
}
