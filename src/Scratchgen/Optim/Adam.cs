using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Optim;

/// <summary>
/// Adam (Kingma and Ba): m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
/// p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
/// weightDecay adds wd p to g (L2, as torch.optim.Adam); <see cref="AdamW"/> decays p directly.
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor?[] _m, _v;
    private readonly double _beta1, _beta2, _eps, _weightDecay;
    private readonly bool _decoupled;

    /// <summary>Adam (Kingma and Ba) with L2 weight decay added to the gradient; the defaults are PyTorch's.</summary>
    public Adam(IReadOnlyList<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0) : this(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: false) { }

    /// <summary>For <see cref="AdamW"/>: <paramref name="decoupled"/> applies weight decay to the weights directly instead of through the gradient.</summary>
    protected Adam(IReadOnlyList<Tensor> parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam: betas must be in [0, 1), got {beta1}, {beta2}");
        (_beta1, _beta2, _eps, _weightDecay, _decoupled) = (beta1, beta2, eps, weightDecay, decoupled);
        _m = new Tensor?[parameters.Count];
        _v = new Tensor?[parameters.Count];
    }

    /// <summary>Decay of the first moment (the gradient's running mean).</summary>
    public double Beta1 => _beta1;

    /// <summary>Decay of the second moment (the squared gradient's running mean): the horizon, about 1 / (1 - beta2)
    /// steps, over which the step size adapts.</summary>
    public double Beta2 => _beta2;

    // One fused pass per parameter (IBackend.AdamStep; the formula is in AdamStepParams).
    /// <inheritdoc/>
    protected override void Update(int index, Tensor p, Tensor grad, double lr)
    {
        var (m, v) = Moments(index);
        p.Backend.AdamStep(p, grad, m, v, StepParams(lr));
    }

    // Every parameter with a gradient in one call per backend (ITensorLists.AdamSteps: on a GPU, a launch per 8
    // parameters instead of one each); the same update, element for element, as Update.
    /// <inheritdoc/>
    protected override void UpdateAll(IReadOnlyList<int> indices, double lr)
    {
        var h = StepParams(lr);
        foreach (var onBackend in indices.GroupBy(i => Parameters[i].Backend))
            onBackend.Key.AdamSteps([.. onBackend.Select(i =>
            {
                var (m, v) = Moments(i);
                return new AdamTensors(Parameters[i], Parameters[i].Grad!, m, v);
            })], h);
    }

    private (Tensor M, Tensor V) Moments(int index) =>
        (_m[index] ??= ZerosLike(Parameters[index]), _v[index] ??= ZerosLike(Parameters[index]));

    // The constants of this step (StepCount already incremented by Step: t = 1 on the first update).
    private AdamStepParams StepParams(double lr)
    {
        int t = StepCount;
        return new AdamStepParams((float)lr, (float)_beta1, (float)_beta2, (float)_eps, (float)(1 - Math.Pow(_beta1, t)), (float)(1 - Math.Pow(_beta2, t)),
            (float)_weightDecay, _decoupled ? 1 : 0);
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Tensor Tensor)> State()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            yield return ($"m.{i}", _m[i] ??= ZerosLike(Parameters[i]));
            yield return ($"v.{i}", _v[i] ??= ZerosLike(Parameters[i]));
        }
    }
}

/// <summary>AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, p -= lr wd p before the step.</summary>
public sealed class AdamW(IReadOnlyList<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 0.01) : Adam(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true);
