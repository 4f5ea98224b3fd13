using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Optim;

/// <summary>Each optimizer against the update rule written out in scalar double arithmetic here
/// (the formulas of torch.optim), over several steps with changing gradients.</summary>
public sealed class OptimizerTests
{
    private static readonly double[][] Grads = [[0.5, -1.0, 2.0], [0.1, 0.3, -0.7], [-0.4, 0.0, 1.5], [0.2, -0.2, 0.2]];

    private static double[] Run(Func<Tensor, Optimizer> make, IBackend backend)
    {
        var p = Tensor.FromArray([1f, -2f, 0.5f], [3], backend).RequireGrad();
        var opt = make(p);
        foreach (var g in Grads)
        {
            p.Grad = Tensor.FromArray(g.Select(v => (float)v).ToArray(), [3], backend);
            opt.Step();
        }
        return p.ToDoubleArray();
    }

    private static double[] Expected(Func<double, double, int, double[], double> rule)
    {
        double[] p = [1, -2, 0.5];
        var state = new double[3][];
        for (int i = 0; i < 3; i++) state[i] = new double[4];
        for (int t = 0; t < Grads.Length; t++)
            for (int i = 0; i < 3; i++) p[i] = rule(p[i], Grads[t][i], t + 1, state[i]);
        return p;
    }

    [Theory, InlineData("cpu"), InlineData("reference"), InlineData("ilgpu-cpu")]
    public void Adam_MatchesScalarRule(string backend)
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        var expected = Expected((p, g, t, s) =>
        {
            g += wd * p;
            s[0] = b1 * s[0] + (1 - b1) * g;
            s[1] = b2 * s[1] + (1 - b2) * g * g;
            return p - lr * (s[0] / (1 - Math.Pow(b1, t))) / (Math.Sqrt(s[1] / (1 - Math.Pow(b2, t))) + eps);
        });
        Close.Assert(expected, Run(p => new Adam([p], lr, b1, b2, eps, wd), Backend.FromName(backend)), 1e-6, 1e-5, "adam");
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Adam_FusedKernel_MatchesReferenceOnAwkwardAndLargeSizes(bool decoupled)
    {
        foreach (int n in new[] { 1, 7, 8, 33, 70_001 })
        {
            float[] Run(IBackend backend)
            {
                var rng = new Rng(3);
                var p = Tensor.RandN([n], rng, backend: backend).RequireGrad();
                Optimizer opt = decoupled ? new AdamW([p], 0.01, weightDecay: 0.1) : new Adam([p], 0.01, weightDecay: 0.1);
                for (int step = 0; step < 3; step++)
                {
                    p.Grad = Tensor.RandN([n], rng, backend: backend);
                    opt.Step();
                }
                return p.ToArray();
            }
            Close.Assert(Run(Backend.Reference), Run(Backend.Cpu), 1e-6, 1e-5, $"adam n={n} decoupled={decoupled}");
        }
    }

    [Fact]
    public void AdamW_DecaysWeightsDecoupled()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        var expected = Expected((p, g, t, s) =>
        {
            p -= lr * wd * p;
            s[0] = b1 * s[0] + (1 - b1) * g;
            s[1] = b2 * s[1] + (1 - b2) * g * g;
            return p - lr * (s[0] / (1 - Math.Pow(b1, t))) / (Math.Sqrt(s[1] / (1 - Math.Pow(b2, t))) + eps);
        });
        Close.Assert(expected, Run(p => new AdamW([p], lr, b1, b2, eps, wd), Backend.Cpu), 1e-6, 1e-5, "adamw");
        Close.Assert(expected, Run(p => new AdamW([p], lr, b1, b2, eps, wd), Backend.Reference), 1e-6, 1e-5, "adamw on reference");
    }

    [Theory, InlineData(false), InlineData(true)]
    public void Sgd_Momentum_MatchesScalarRule(bool nesterov)
    {
        const double lr = 0.1, mu = 0.9, wd = 0.01;
        var expected = Expected((p, g, t, s) =>
        {
            g += wd * p;
            s[0] = t == 1 ? g : mu * s[0] + g;
            return p - lr * (nesterov ? g + mu * s[0] : s[0]);
        });
        Close.Assert(expected, Run(p => new Sgd([p], lr, mu, nesterov, wd), Backend.Cpu), 1e-6, 1e-5, "sgd");
    }

    [Fact]
    public void Schedules_FollowTheirFormulas()
    {
        Assert.Equal(0.1, new StepLr(10, 0.5).Rate(9, 0.1), 12);
        Assert.Equal(0.05, new StepLr(10, 0.5).Rate(10, 0.1), 12);
        Assert.Equal(1.0, new CosineLr(100).Rate(0, 1.0), 12);
        Assert.Equal(0.5, new CosineLr(100).Rate(50, 1.0), 12);
        Assert.Equal(0.0, new CosineLr(100).Rate(100, 1.0), 12);
        Assert.Equal(0.25, new WarmupLr(4).Rate(0, 1.0), 12);
        Assert.Equal(1.0, new WarmupLr(4).Rate(3, 1.0), 12);
        Assert.Equal(0.5, new WarmupLr(4, new StepLr(1, 0.5)).Rate(5, 1.0), 12);
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesAllGradientsTogether()
    {
        var a = Tensor.FromArray([3f], [1]).RequireGrad();
        var b = Tensor.FromArray([4f], [1]).RequireGrad();
        a.Grad = Tensor.FromArray([3f], [1]);
        b.Grad = Tensor.FromArray([4f], [1]);
        double norm = GradClip.ClipByGlobalNorm([a, b], 1.0);
        Assert.Equal(5.0, norm, 6);
        Close.Assert([0.6f, 0.8f], [a.Grad.ToArray()[0], b.Grad.ToArray()[0]], 1e-5, 1e-5, "clipped");
        Assert.Equal(1.0, GradClip.ClipByGlobalNorm([a, b], 10.0), 4); // below the limit: unchanged
    }

    [Fact]
    public void Adam_MinimisesAQuadratic()
    {
        var x = Tensor.FromArray([5f, -3f], [2]).RequireGrad();
        var opt = new Adam([x], 0.1);
        for (int i = 0; i < 300; i++)
        {
            opt.ZeroGrad();
            x.Sub(Tensor.FromArray([1f, 2f], [2])).Square().Sum().Backward();
            opt.Step();
        }
        Close.Assert([1f, 2f], x.ToArray(), 1e-2, 0, "argmin");
    }
}
