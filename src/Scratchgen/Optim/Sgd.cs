using Scratchgen.Tensors;

namespace Scratchgen.Optim;

/// <summary>
/// Stochastic gradient descent as torch.optim.SGD: g += wd p;  buf = mu buf + g (momentum);
/// step = nesterov ? g + mu buf : buf;  p -= lr step.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] _buffers;
    private readonly double _momentum, _weightDecay;
    private readonly bool _nesterov;

    /// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum and L2 weight decay, as PyTorch's SGD.</summary>
    public Sgd(IReadOnlyList<Tensor> parameters, double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("SGD: Nesterov momentum needs momentum > 0");
        (_momentum, _nesterov, _weightDecay) = (momentum, nesterov, weightDecay);
        _buffers = new Tensor?[parameters.Count];
    }

    /// <inheritdoc/>
    protected override void Update(int index, Tensor p, Tensor grad, double lr)
    {
        if (_weightDecay != 0) grad = Combine(grad, p, new AxpyFn(_weightDecay));
        var step = grad;
        if (_momentum != 0)
        {
            var buf = _buffers[index];
            if (buf == null) buf = _buffers[index] = Combine(grad, grad, new AxpyFn(0)); // first step: buf = g
            else InPlace(buf, grad, new MomentumFn(_momentum));
            step = _nesterov ? Combine(grad, buf, new AxpyFn(_momentum)) : buf;
        }
        InPlace(p, step, new AxpyFn(-lr));
    }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Tensor Tensor)> State()
    {
        for (int i = 0; i < Parameters.Count; i++)
            if (_momentum != 0) yield return ($"momentum.{i}", _buffers[i] ??= ZerosLike(Parameters[i]));
    }
}
