using Scratchgen.Autograd;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Models;

/// <summary>What the GAN recipe's knobs do, each against a value worked out independently.</summary>
public sealed class GanRecipeTests
{
    private static (Tensor Images, int[] Labels) Batch(int n)
    {
        var images = Tensor.Rand([n, 1, 28, 28], new Rng(3), low: -1, high: 1);
        return (images, Enumerable.Range(0, n).Select(i => i % 10).ToArray());
    }

    // loss_d = mean BCE(real, t) + mean BCE(fake, 0), BCE(x, t) = softplus(x) - t x: lowering the real target
    // from 1 to 1 - s raises loss_d by exactly s * mean(real logits), the logits D gave before its update.
    [Fact]
    public void LabelSmoothing_RaisesDsLossBySTimesTheMeanRealLogit()
    {
        var (images, labels) = Batch(8);
        var plain = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Seed: 4, Recipe: "plain"));
        var smoothed = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Seed: 4, Recipe: "plain,smooth=0.25"));
        double meanRealLogit;
        using (GradMode.NoGrad()) meanRealLogit = plain.Critic(images, labels).Mean().Item();
        double difference = smoothed.TrainStep(images, labels)["loss_d"] - plain.TrainStep(images, labels)["loss_d"];
        Assert.Equal(0.25 * meanRealLogit, difference, 5);
        Assert.True(Math.Abs(meanRealLogit) > 1e-3, "the check needs logits away from 0");
    }

    [Fact]
    public void TheAverageOfGsWeights_DrawsWhenSampling_TheTrainedGWhenTraining()
    {
        var (images, labels) = Batch(8);
        var m = (GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Seed: 5, Recipe: "plain,ema=0.9"));
        Assert.NotNull(m.GeneratorAverage);
        for (int i = 0; i < 3; i++) m.TrainStep(images, labels);
        var z = m.SampleLatent(4, new Rng(9));
        float[] trained, sampled, averaged;
        using (GradMode.NoGrad())
        {
            m.Eval();
            sampled = m.Decode(z).ToArray();
            averaged = m.GeneratorAverage!.Forward(z).ToArray();
            var generatorInEval = m.Generator.Forward(z).ToArray();
            m.Train();
            trained = m.Generator.Forward(z).ToArray();
            Assert.NotEqual(generatorInEval, sampled);
        }
        Assert.Equal(averaged, sampled);
        Assert.NotEqual(trained, sampled);
        Assert.Null(((GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Recipe: "plain"))).GeneratorAverage);
    }

    [Fact]
    public void Beta2_ReachesBothOptimizers_AndIsChecked()
    {
        var m = (GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Recipe: "plain,beta2=0.99"));
        Assert.Equal(0.99, m.GeneratorOptimizer.Beta2);
        Assert.Equal(0.99, m.DiscriminatorOptimizer.Beta2);
        Assert.Equal(0.5, m.GeneratorOptimizer.Beta1);
        var plain = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Recipe: "plain"));
        Assert.Equal(0.999, plain.DiscriminatorOptimizer.Beta2);
        var wgan = (GanBase)ModelFactory.Create("wgan-gp", new ModelOptions(LatentDim: 8, Recipe: "plain"));
        Assert.Equal(0.9, wgan.GeneratorOptimizer.Beta2);
        var ex = Assert.Throws<ArgumentException>(() => ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Recipe: "beta2=1")));
        Assert.Contains("beta2", ex.Message);
    }

    [Fact]
    public void CosineDecay_TakesTheRatesToZeroOverTheRun()
    {
        var m = (GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Recipe: "plain,decay=cosine"));
        m.PlanSteps(100);
        var g = m.GeneratorOptimizer;
        Assert.Equal(2e-4, g.CurrentLearningRate, 12);
        g.StepCount = 50;
        Assert.Equal(1e-4, g.CurrentLearningRate, 12);
        g.StepCount = 100;
        Assert.Equal(0, g.CurrentLearningRate, 12);
        Assert.NotNull(m.DiscriminatorOptimizer.Schedule);
        var constant = (GanBase)ModelFactory.Create("dcgan", new ModelOptions(LatentDim: 8, Recipe: "plain"));
        constant.PlanSteps(100);
        Assert.Null(constant.GeneratorOptimizer.Schedule);
    }

    [Fact]
    public void WganGp_DecaysGOverItsOwnSteps()
    {
        var m = (GanBase)ModelFactory.Create("wgan-gp", new ModelOptions(LatentDim: 8, Recipe: "plain,decay=cosine"));
        m.PlanSteps(100); // five critic steps per G step: G steps 20 times
        m.GeneratorOptimizer.StepCount = 10;
        Assert.Equal(0.5e-4, m.GeneratorOptimizer.CurrentLearningRate, 12);
        m.DiscriminatorOptimizer.StepCount = 10;
        Assert.True(m.DiscriminatorOptimizer.CurrentLearningRate > 0.9e-4);
    }

    [Fact]
    public void HingeLoss_MatchesTheMarginsWorkedOutByHand()
    {
        var m = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Recipe: "plain,loss=hinge"));
        var real = Tensor.FromArray([0.5f, 2f], [2, 1]);
        var fake = Tensor.FromArray([-2f, 0f], [2, 1]);
        var ones = Tensor.Ones([2, 1]);
        // D: mean(relu(1 - 0.5), relu(1 - 2)) + mean(relu(1 - 2), relu(1 + 0)) = 0.25 + 0.5
        Assert.Equal(0.75, m.DiscriminatorLoss(real, fake, ones).Item(), 6);
        Assert.Equal(1.0, m.GeneratorLoss(fake, ones).Item(), 6);   // -mean(-2, 0)
        var bce = (GanBase)ModelFactory.Create("gan", new ModelOptions(LatentDim: 8, Recipe: "plain"));
        // softplus(-0.5) + softplus(-2) over 2, plus softplus(-2) + softplus(0) over 2
        double sp(double x) => Math.Log(1 + Math.Exp(x));
        Assert.Equal((sp(-0.5) + sp(-2)) / 2 + (sp(-2) + sp(0)) / 2, bce.DiscriminatorLoss(real, fake, ones).Item(), 5);
    }
}
