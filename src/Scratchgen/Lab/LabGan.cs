using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Lab;

/// <summary>A learning rate that the live lab sets between steps: the optimizer reads it at every step.</summary>
internal sealed class LiveRate(double rate) : ILrSchedule
{
    /// <summary>The rate the next step uses.</summary>
    public double Value { get; set; } = rate;

    /// <inheritdoc />
    public double Rate(int step, double baseRate) => Value;
}

/// <summary>
/// The live lab's pair of networks on 2-D points, trained by the engine's own ops, autograd and Adam:
///   G: z (16) -> w -> w -> 2, ReLU        D: 2 -> w -> w -> 1, ReLU (a logit, or a critic's score)
/// Unlike the catalog's GANs, the loss, both learning rates and D's steps per G step are arguments of each
/// update, so that a class can change them between two steps and watch what follows. Adam's betas stay
/// 0.5 / 0.999 whatever the loss, so that a switch changes one thing only.
/// </summary>
internal sealed class LabGan
{
    /// <summary>G's input size.</summary>
    public const int LatentDim = 16;

    /// <summary>WGAN-GP's penalty weight on the toy data (the WGAN-GP authors' toy experiments use 0.1).</summary>
    public const double PenaltyWeight = 0.1;

    private readonly IBackend _backend;
    private readonly LiveRate _lrG, _lrD;

    /// <summary>Builds G and D with the given hidden widths; <paramref name="seed"/> draws their weights.</summary>
    public LabGan(int gWidth, int dWidth, double lrG, double lrD, ulong seed, IBackend? backend = null)
    {
        _backend = backend ?? Backend.Default;
        _lrG = new LiveRate(lrG);
        _lrD = new LiveRate(lrD);
        (G, GOptimizer) = Build("G", new Rng(seed * 2 + 1), [LatentDim, gWidth, gWidth, 2], _lrG);
        (D, DOptimizer) = Build("D", new Rng(seed * 2 + 2), [2, dWidth, dWidth, 1], _lrD);
    }

    /// <summary>The generator.</summary>
    public Sequential G { get; private set; }

    /// <summary>The discriminator (critic under WGAN-GP).</summary>
    public Sequential D { get; private set; }

    /// <summary>G's optimizer.</summary>
    public Adam GOptimizer { get; private set; }

    /// <summary>D's optimizer.</summary>
    public Adam DOptimizer { get; private set; }

    /// <summary>Replaces G by a fresh one of another width (new weights, new optimizer).</summary>
    public void RebuildG(int width, ulong seed) => (G, GOptimizer) = Build("G", new Rng(seed), [LatentDim, width, width, 2], _lrG);

    /// <summary>Replaces D by a fresh one of another width (new weights, new optimizer).</summary>
    public void RebuildD(int width, ulong seed) => (D, DOptimizer) = Build("D", new Rng(seed), [2, width, width, 1], _lrD);

    private (Sequential, Adam) Build(string name, Rng rng, int[] sizes, LiveRate rate)
    {
        var layers = new List<Layer>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Linear(sizes[i], sizes[i + 1], rng, backend: _backend));
            if (i + 2 < sizes.Length) layers.Add(new Relu());
        }
        var net = new Sequential([.. layers]);
        foreach (var (path, p) in net.NamedParameters()) p.Name = $"{name}.{path}";
        return (net, new Adam(net.Parameters(), rate.Value, 0.5, 0.999) { Schedule = rate });
    }

    /// <summary>(x, y) pairs as an (N, 2) tensor.</summary>
    public Tensor Points(float[] xy) => Tensor.FromArray(xy, [xy.Length / 2, 2], _backend);

    /// <summary>Latent codes (N, 16) from N(0, 1).</summary>
    public Tensor Noise(int n, Rng rng) => Tensor.RandN([n, LatentDim], rng, backend: _backend);

    /// <summary>One D (critic) update on a real batch against G's points for fresh noise; returns D's loss.</summary>
    public double DiscriminatorStep(Tensor real, Rng rng, LabLoss loss, double lrD)
    {
        _lrD.Value = lrD;
        int n = real.Dims[0];
        var fake = G.Forward(Noise(n, rng)).Detach();
        Tensor lossD;
        if (loss == LabLoss.WganGp)
            lossD = D.Forward(fake).Mean().Sub(D.Forward(real).Mean()).Add(Penalty(real, fake, rng).Mul(PenaltyWeight));
        else
        {
            // Real and fake through D as one batch of 2N (no layer of D mixes samples).
            var logits = D.Forward(TensorShape.Concat([real, fake], 0));
            lossD = Loss.BceWithLogits(logits.Slice(0, 0, n), Tensor.Ones([n, 1], backend: _backend))
                .Add(Loss.BceWithLogits(logits.Slice(0, n, 2 * n), Tensor.Zeros([n, 1], backend: _backend)));
        }
        DOptimizer.ZeroGrad();
        lossD.Backward();
        DOptimizer.Step();
        return lossD.Item();
    }

    /// <summary>One G update on fresh noise, D's weights frozen meanwhile; returns G's loss.</summary>
    public double GeneratorStep(int n, Rng rng, LabLoss loss, double lrG)
    {
        _lrG.Value = lrG;
        Tensor lossG;
        using (D.ParametersFrozen())
        {
            lossG = GeneratorLoss(D.Forward(G.Forward(Noise(n, rng))), loss);
            GOptimizer.ZeroGrad();
            lossG.Backward();
        }
        GOptimizer.Step();
        return lossG.Item();
    }

    /// <summary>G's loss on D's outputs for G's points.</summary>
    public Tensor GeneratorLoss(Tensor scores, LabLoss loss)
    {
        int n = scores.Dims[0];
        return loss switch
        {
            LabLoss.NonSaturating => Loss.BceWithLogits(scores, Tensor.Ones([n, 1], backend: _backend)),
            LabLoss.Minimax => Loss.BceWithLogits(scores, Tensor.Zeros([n, 1], backend: _backend)).Neg(),
            _ => scores.Mean().Neg(),
        };
    }

    // mean (||dD/dx_hat|| - 1)^2 at random points between real and fake: the gradient is itself
    // differentiated (createGraph), so the critic's update flows through the backward pass.
    private Tensor Penalty(Tensor real, Tensor fake, Rng rng)
    {
        int n = real.Dims[0];
        var e = Tensor.Rand([n, 1], rng, backend: _backend);
        var xHat = real.Mul(e).Add(fake.Mul(e.RSub(1))).Detach().RequireGrad();
        var grad = Gradients.Of(D.Forward(xHat).Sum(), [xHat], createGraph: true)[0];
        return grad.Square().Sum(1).Add(1e-12).Sqrt().Sub(1).Square().Mean();
    }

    /// <summary>
    /// For each generated point (N, 2): the direction G's update moves it, -d(loss_G)/d(G(z)) times N (the
    /// gradient of that point's own term of the mean), computed by the engine's autograd with the points as
    /// the leaves, so what is drawn is exactly what back-propagation hands G's last layer.
    /// </summary>
    public float[] PointGradients(float[] fakeXy, LabLoss loss)
    {
        var leaf = Points(fakeXy).RequireGrad();
        int n = fakeXy.Length / 2;
        var lossG = GeneratorLoss(D.Forward(leaf), loss);
        var g = Gradients.Of(lossG, [leaf])[0].ToArray();
        for (int i = 0; i < g.Length; i++) g[i] = -g[i] * n;
        return g;
    }

    /// <summary>D's view of the grid points scaled to [0, 1]: P(real) for a logit, min-max over the grid
    /// for a critic's unbounded score.</summary>
    public float[] Surface(Tensor grid, LabLoss loss)
    {
        using var _ = GradMode.NoGrad();
        var scores = D.Forward(grid);
        if (loss != LabLoss.WganGp) return scores.Sigmoid().ToArray();
        var s = scores.ToArray();
        float lo = s.Min(), hi = s.Max(), range = Math.Max(hi - lo, 1e-12f);
        for (int i = 0; i < s.Length; i++) s[i] = (s[i] - lo) / range;
        return s;
    }

    /// <summary>G's points for the given latent codes, without a graph.</summary>
    public float[] Generate(Tensor noise)
    {
        using var _ = GradMode.NoGrad();
        return G.Forward(noise).ToArray();
    }
}
