using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Nn;

/// <summary>The moving average of weights against the formula worked out by hand.</summary>
public sealed class WeightAverageTests
{
    private static Linear Layer(float weight, float bias)
    {
        var l = new Linear(1, 1, new Rng(1));
        l.Weight.Backend.Copy(Tensor.FromArray([weight], [1, 1]), l.Weight);
        l.Weight.Backend.Copy(Tensor.FromArray([bias], [1]), l.Bias!);
        return l;
    }

    [Fact]
    public void Update_FollowsTheWarmedUpDecay()
    {
        var source = Layer(2, -1);
        var average = new WeightAverage(Layer(0, 0), decay: 0.5);
        average.Reset(source);
        Assert.Equal([2f, -1f], average.StateDict().SelectMany(p => p.Tensor.ToArray()).ToArray());

        // update 0: d = min(0.5, 1/10) = 0.1; update 1: min(0.5, 2/11); update 20: min(0.5, 21/30) = 0.5
        Assert.Equal(0.1, average.DecayAt(0), 12);
        Assert.Equal(2.0 / 11, average.DecayAt(1), 12);
        Assert.Equal(0.5, average.DecayAt(20), 12);

        source.Weight.Backend.Copy(Tensor.FromArray([12f], [1, 1]), source.Weight);
        average.Update(source, 0);                 // 0.1 * 2 + 0.9 * 12 = 11
        Assert.Equal(11f, average.StateDict()[0].Tensor.ToArray()[0], 5);
        source.Weight.Backend.Copy(Tensor.FromArray([0f], [1, 1]), source.Weight);
        average.Update(source, 20);                // 0.5 * 11 + 0.5 * 0 = 5.5
        Assert.Equal(5.5f, average.StateDict()[0].Tensor.ToArray()[0], 5);
        Assert.Equal(-1f, average.StateDict()[1].Tensor.ToArray()[0], 5); // the bias never moved
    }

    [Fact]
    public void TheAverage_IsSavedAsBuffers_NotTrained()
    {
        var average = new WeightAverage(new Sequential(new Linear(3, 2, new Rng(1)), new BatchNorm(2)), 0.99);
        Assert.Empty(average.Parameters());
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"],
            average.StateDict().Select(p => p.Name).ToArray());
        Assert.All(average.StateDict(), p => Assert.False(p.Tensor.RequiresGrad));
    }

    [Fact]
    public void AnotherArchitecture_IsRefusedByName()
    {
        var average = new WeightAverage(new Linear(3, 2, new Rng(1)), 0.9);
        var ex = Assert.Throws<ArgumentException>(() => average.Reset(new Linear(3, 4, new Rng(1))));
        Assert.Contains("weight", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(new Linear(1, 1, new Rng(1)), 1.0));
    }
}
