using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Nn;

public sealed class ModuleTests
{
    [Fact]
    public void NamedParameters_UseDottedPaths()
    {
        var net = new Sequential(new Linear(4, 3, new Rng(1)), new Relu(), new BatchNorm(3));
        var names = net.StateDict().Select(p => p.Name).ToArray();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var"], names);
        Assert.Equal(4 * 3 + 3 + 3 + 3, net.ParameterCount);
    }

    [Fact]
    public void LoadStateDict_RoundTrips_AndNamesMismatches()
    {
        var a = new Sequential(new Linear(4, 3, new Rng(1)));
        var b = new Sequential(new Linear(4, 3, new Rng(2)));
        var state = a.StateDict().ToDictionary(p => p.Name, p => (p.Tensor.ToArray(), p.Tensor.Shape.ToArray()));
        b.LoadStateDict(state, "a.safetensors");
        Assert.Equal(a.StateDict()[0].Tensor.ToArray(), b.StateDict()[0].Tensor.ToArray());

        var wrong = new Sequential(new Linear(5, 3, new Rng(1)));
        var ex = Assert.Throws<InvalidDataException>(() => wrong.LoadStateDict(state, "a.safetensors"));
        Assert.Contains("0.weight", ex.Message);
        Assert.Contains("(3, 4)", ex.Message);
        Assert.Contains("(3, 5)", ex.Message);
        Assert.Contains("a.safetensors", ex.Message);
    }

    [Fact]
    public void TrainAndEval_PropagateToChildren()
    {
        var bn = new BatchNorm(2);
        var net = new Sequential(new Linear(2, 2, new Rng(1)), bn);
        net.Eval();
        Assert.False(bn.Training);
        net.Train();
        Assert.True(bn.Training);
    }

    [Fact]
    public void Linear_DefaultInit_IsWithinPyTorchBound()
    {
        var layer = new Linear(100, 50, new Rng(1));
        Assert.All(layer.Weight.ToArray(), w => Assert.InRange(w, -0.1f, 0.1f));
        Assert.True(layer.Weight.ToArray().Select(Math.Abs).Max() > 0.09f);
    }
}
