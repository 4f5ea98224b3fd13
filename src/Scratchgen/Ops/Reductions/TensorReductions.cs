using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Reductions and the softmax family. Axes may be negative; no axes means all of them.</summary>
public static class TensorReductions
{
    /// <summary>The sum over <paramref name="axes"/> (every axis when null); <paramref name="keepdim"/> keeps them as size 1.</summary>
    public static Tensor Sum(this Tensor x, int[]? axes = null, bool keepdim = false) =>
        new SumOp(x, ReduceShapes.Axes("sum", axes, x.Rank), keepdim).Run();

    /// <summary>The sum over one axis (negative counts from the end).</summary>
    public static Tensor Sum(this Tensor x, int axis, bool keepdim = false) => x.Sum([axis], keepdim);

    /// <summary>The mean over <paramref name="axes"/> (every axis when null); <paramref name="keepdim"/> keeps them as size 1.</summary>
    public static Tensor Mean(this Tensor x, int[]? axes = null, bool keepdim = false)
    {
        var normalized = ReduceShapes.Axes("mean", axes, x.Rank);
        int count = ReduceShapes.Count(x.Dims, normalized);
        if (count == 0) throw new ShapeException("mean", $"cannot average over zero elements of {x.Describe()}");
        return x.Sum(normalized, keepdim).Mul(1.0 / count);
    }

    /// <summary>The mean over one axis (negative counts from the end).</summary>
    public static Tensor Mean(this Tensor x, int axis, bool keepdim = false) => x.Mean([axis], keepdim);

    /// <summary>The maximum over <paramref name="axes"/> (every axis when null); the gradient goes to the maximal elements.</summary>
    public static Tensor Max(this Tensor x, int[]? axes = null, bool keepdim = false)
    {
        var normalized = ReduceShapes.Axes("max", axes, x.Rank);
        if (ReduceShapes.Count(x.Dims, normalized) == 0) throw new ShapeException("max", $"max over zero elements of {x.Describe()}");
        return new MaxOp(x, normalized, keepdim).Run();
    }

    /// <summary>The maximum over one axis (negative counts from the end).</summary>
    public static Tensor Max(this Tensor x, int axis, bool keepdim = false) => x.Max([axis], keepdim);

    /// <summary>log(sum(exp(x))) over an axis, computed as m + log(sum(exp(x - m))) with m = max(x)
    /// held constant: the shift cancels in the value and in the gradient, and nothing overflows.
    /// d/dx = softmax(x).</summary>
    public static Tensor LogSumExp(this Tensor x, int axis = -1, bool keepdim = false)
    {
        Tensor m;
        using (GradMode.NoGrad()) m = x.Detach().Max(axis, keepdim: true);
        var lse = x.Sub(m).Exp().Sum(axis, keepdim: true).Log().Add(m);
        return keepdim ? lse : lse.Squeeze(axis);
    }

    /// <summary>softmax(x)_i = exp(x_i - logsumexp(x)) along an axis (one fused op, <see cref="SoftmaxOp"/>).</summary>
    public static Tensor Softmax(this Tensor x, int axis = -1) => SoftmaxAlong(x, axis, log: false);

    /// <summary>log softmax(x)_i = x_i - logsumexp(x) along an axis (one fused op, <see cref="SoftmaxOp"/>).</summary>
    public static Tensor LogSoftmax(this Tensor x, int axis = -1) => SoftmaxAlong(x, axis, log: true);

    // The op works on the last axis; another axis is swapped there and back (views, recorded).
    private static Tensor SoftmaxAlong(Tensor x, int axis, bool log)
    {
        if (x.Rank == 0) throw new ShapeException(log ? "log_softmax" : "softmax", $"needs at least one axis, got {x.Describe()}");
        int a = ReduceShapes.Axes(log ? "log_softmax" : "softmax", [axis], x.Rank)[0], last = x.Rank - 1;
        return a == last ? new SoftmaxOp(x, log).Run() : new SoftmaxOp(x.Transpose(a, last), log).Run().Transpose(a, last);
    }
}
