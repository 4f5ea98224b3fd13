using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace CustomOpExample;

/// <summary>What the example proves, one named check at a time; each throws when it fails.</summary>
public static class Checks
{
    /// <summary>Runs every check (the backends compared against the Reference backend) and returns
    /// the names of those that passed; the first failure throws.</summary>
    public static IReadOnlyList<string> RunAll(IReadOnlyList<IBackend> backends)
    {
        var passed = new List<string>();
        var rng = new Rng(3);
        var x = Tensor.RandN([4, 5], rng, dtype: DType.Float64, backend: Backend.Reference);
        var w = Tensor.RandN([3, 5], rng, dtype: DType.Float64, backend: Backend.Reference);
        var b = Tensor.RandN([3], rng, dtype: DType.Float64, backend: Backend.Reference);
        var t = Tensor.RandN([4, 5], rng, dtype: DType.Float64, backend: Backend.Reference);

        GradCheck.Assert(xs => xs[0].Swish(), [x]);
        passed.Add("swish: gradient");
        GradCheck.AssertSecondOrder(xs => xs[0].Swish(), [x]);
        passed.Add("swish: gradient of gradient");
        GradCheck.Assert(xs => SwishLinear.Apply(xs[0], xs[1], xs[2]), [x, w, b]);
        passed.Add("swish_linear layer: gradients of input, weight and bias");
        GradCheck.Assert(xs => Losses.Huber(xs[0], xs[1], delta: 0.5), [x, t]);
        passed.Add("huber loss: gradients of prediction and target");
        GradCheck.AssertSecondOrder(xs => Losses.Huber(xs[0], xs[1], delta: 0.5), [x, t]);
        passed.Add("huber loss: gradient of gradient");

        foreach (var backend in backends)
        {
            SameOn(backend, "swish", xs => xs[0].Swish(), [x]);
            SameOn(backend, "swish_linear", xs => SwishLinear.Apply(xs[0], xs[1], xs[2]), [x, w, b]);
            SameOn(backend, "huber", xs => Losses.Huber(xs[0], xs[1], delta: 0.5), [x, t]);
            passed.Add($"{backend.Name}: forward and gradients match the Reference backend");
        }

        var layer = new SwishLinear(5, 3, new Rng(1));
        var target = t.To(Backend.Cpu, DType.Float32).Slice(1, 0, 3);
        Losses.Huber(layer.Forward(x.To(Backend.Cpu, DType.Float32)), target).Backward();
        if (layer.Weight.Grad == null || layer.Bias.Grad == null)
            throw new InvalidOperationException("the layer's parameters got no gradient through the custom op and loss");
        passed.Add("layer + loss: backward reaches the registered parameters");
        return passed;
    }

    /// <summary>Runs f forward and backward on the Reference backend and on <paramref name="backend"/>
    /// in float32, and throws when an output or an input's gradient differs by more than 1e-4.</summary>
    private static void SameOn(IBackend backend, string what, Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        var (refOut, refGrads) = ForwardBackward(Backend.Reference, f, inputs);
        var (out_, grads) = ForwardBackward(backend, f, inputs);
        Close($"{what} output", refOut, out_, backend);
        for (int i = 0; i < grads.Length; i++) Close($"{what} gradient of input {i}", refGrads[i], grads[i], backend);
    }

    private static (double[] Output, double[][] Grads) ForwardBackward(IBackend backend, Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        var leaves = inputs.Select(t => t.To(backend, DType.Float32).RequireGrad()).ToArray();
        var y = f(leaves);
        y.Sum().Backward();
        return (y.ToDoubleArray(), leaves.Select(l => l.Grad!.ToDoubleArray()).ToArray());
    }

    private static void Close(string what, double[] expected, double[] actual, IBackend backend)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i]))))
                throw new InvalidOperationException($"{what} on {backend.Name}: element {i} is {actual[i]}, Reference gives {expected[i]}");
    }
}
