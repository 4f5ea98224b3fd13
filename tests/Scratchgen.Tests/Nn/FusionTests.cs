using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Nn;

/// <summary>The fusion pass (Nn/Fusion.cs): its plan names the pairs it fuses and follows each layer's mode;
/// Fusion.Disable turns it off on the thread (and a default scope changes nothing); with it off a network gives
/// the values, gradients and running statistics of the fused run, through unfused ops only.</summary>
public sealed class FusionTests
{
    [Fact]
    public void Plan_FusesKnownPairs_FollowsTrainingMode_AndTheSwitch()
    {
        var rng = new Rng(1);
        var bn = new BatchNorm(4);
        Layer[] layers =
        [
            new Linear(3, 5, rng), new Relu(), new Linear(5, 4, rng, bias: false), new Tanh(), bn, new LeakyRelu(0.1),
            new Flatten(), new Conv2d(1, 2, 3, rng), new Elu(), new Sigmoid(),
        ];
        string[] Names() => [.. Fusion.Plan(layers).Select(s => s.Name)];

        Assert.Equal(["Linear+Relu", "Linear", "Tanh", "BatchNorm+LeakyRelu", "Flatten", "Conv2d+Elu", "Sigmoid"], Names());
        Assert.Equal([true, false, false, true, false, true, false], Fusion.Plan(layers).Select(s => s.IsFused));

        bn.Train(false); // batch norm in evaluation is not fused: it runs as tape ops
        Assert.Equal(["Linear+Relu", "Linear", "Tanh", "BatchNorm", "LeakyRelu", "Flatten", "Conv2d+Elu", "Sigmoid"], Names());
        bn.Train(true);

        using (Fusion.Disable())
        {
            Assert.False(Fusion.IsEnabled);
            Assert.All(Fusion.Plan(layers), s => Assert.False(s.IsFused));
            Assert.Equal(layers.Length, Fusion.Plan(layers).Count);
            using (default(Fusion.Scope)) { }
            Assert.False(Fusion.IsEnabled); // a default scope restores nothing
        }
        Assert.True(Fusion.IsEnabled);
    }

    [Theory, InlineData("cpu"), InlineData("reference")]
    public void FusionOff_GivesTheFusedValuesAndGradients_ThroughUnfusedOps(string name)
    {
        var backend = Backend.FromName(name);
        var rng = new Rng(7);
        var net = new Sequential(
            new Conv2d(2, 3, 3, rng, padding: 1, backend: backend), new LeakyRelu(0.2), new BatchNorm(3, backend: backend), new Relu(),
            new Flatten(), new Linear(3 * 5 * 4, 6, rng, backend: backend), new Tanh(), new Linear(6, 2, rng, backend: backend), new Sigmoid());
        var bn = (BatchNorm)net.Layers[2];
        var x = Tensor.RandN([4, 2, 5, 4], new Rng(8), backend: backend).RequireGrad();
        var r = Tensor.RandN([4, 2], new Rng(9), backend: backend);
        Tensor[] inputs = [x, .. net.Parameters()];

        (float[] Y, float[][] Grads, float[] Mean, float[] Var, string[] Ops, IReadOnlyList<string> Pairs) Run(bool fusionOff)
        {
            using var off = fusionOff ? Fusion.Disable() : default;
            backend.Copy(Tensor.Zeros([3], backend: backend), bn.RunningMean);
            backend.Copy(Tensor.Ones([3], backend: backend), bn.RunningVar);
            using var watch = Fusion.Watch();
            var y = net.Forward(x);
            var grads = Gradients.Of(y.Mul(r).Sum(), inputs);
            return (y.ToArray(), [.. grads.Select(g => g.ToArray())], bn.RunningMean.ToArray(), bn.RunningVar.ToArray(),
                [.. ComputationGraph.Of(y).OpOutputs.Select(t => t.GradFn!.Name)], watch.Pairs);
        }

        var fused = Run(fusionOff: false);
        Assert.Equal(["Conv2d+LeakyRelu", "BatchNorm+Relu", "Linear+Tanh", "Linear+Sigmoid"], fused.Pairs);
        Assert.Equal(["conv2d+leaky_relu", "batch_norm+relu", "linear+tanh", "linear+sigmoid"], fused.Ops.Where(o => o.Contains('+')));

        var unfused = Run(fusionOff: true);
        Assert.Empty(unfused.Pairs);
        Assert.DoesNotContain(unfused.Ops, o => o.Contains('+'));
        Assert.Contains("batch_norm", unfused.Ops);
        Assert.Contains("conv2d", unfused.Ops);

        // Cpu and Reference repeat the unfused float operations in the same order (the conv's C R S = 18 is
        // one GEMM block), so the two agree bit for bit, not only up to rounding.
        Assert.Equal(fused.Y, unfused.Y);
        for (int i = 0; i < inputs.Length; i++) Assert.Equal(fused.Grads[i], unfused.Grads[i]);
        Assert.Equal(fused.Mean, unfused.Mean);
        Assert.Equal(fused.Var, unfused.Var);
    }
}
