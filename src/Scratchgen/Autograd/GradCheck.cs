using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>How one input of a gradient check fared: the worst element by the tolerance test.</summary>
/// <param name="Input">Which input (0-based) this report is about.</param>
/// <param name="Elements">How many of its elements were checked.</param>
/// <param name="MaxAbsError">The largest |analytic - numeric| over its elements.</param>
/// <param name="MaxRelError">The largest relative error over its elements.</param>
/// <param name="Passed">True when every element passed the tolerance test.</param>
/// <param name="WorstIndex">The flat index of the worst element.</param>
/// <param name="Analytic">The worst element's gradient from Backward.</param>
/// <param name="Numeric">The worst element's central finite difference.</param>
public sealed record GradCheckReport(
    int Input, int Elements, double MaxAbsError, double MaxRelError, bool Passed, int WorstIndex, double Analytic, double Numeric);

/// <summary>Thrown by <see cref="GradCheck.Assert"/> with the failing input, element and both values.</summary>
public sealed class GradCheckException(string message) : Exception(message);

/// <summary>
/// Checks backward rules against central finite differences, in float64 on the Reference backend:
/// dL/dx_j ~ (L(x + eps e_j) - L(x - eps e_j)) / (2 eps), with L = sum(f(x) * w) for fixed random
/// weights w (so every output element matters and no symmetry hides an error).
/// An element passes when |analytic - numeric| &lt;= atol + rtol * |numeric|.
/// </summary>
public static class GradCheck
{
    /// <summary>Compares every input's analytic gradient of <c>sum(f(inputs) * w)</c>, for a fixed random weighting w, with central finite differences, and returns one report per input; it throws nothing (see <see cref="Assert"/>).</summary>
    public static IReadOnlyList<GradCheckReport> Run(
        Func<Tensor[], Tensor> f, IReadOnlyList<Tensor> inputs, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-5, ulong seed = 7)
    {
        var leaves = inputs.Select(t => t.To(Backend.Reference, DType.Float64).RequireGrad()).ToArray();
        Tensor? weights = null;
        double Objective()
        {
            var y = f(leaves);
            weights ??= Tensor.RandN(y.Dims, new Rng(seed), dtype: DType.Float64, backend: Backend.Reference);
            return y.Mul(weights).Sum().Item();
        }

        Objective();
        var objective = f(leaves).Mul(weights!).Sum();
        if (objective.RequiresGrad) objective.Backward(); // else L does not depend on the inputs: all gradients are 0
        var reports = new List<GradCheckReport>();
        for (int i = 0; i < leaves.Length; i++)
        {
            var analytic = leaves[i].Grad?.ToDoubleArray() ?? new double[leaves[i].Numel];
            var data = HostStorage.Of(leaves[i]).F64!;
            var numeric = new double[data.Length];
            for (int j = 0; j < data.Length; j++)
            {
                double saved = data[j];
                data[j] = saved + eps;
                double plus = Objective();
                data[j] = saved - eps;
                double minus = Objective();
                data[j] = saved;
                numeric[j] = (plus - minus) / (2 * eps);
            }
            reports.Add(Compare(i, analytic, numeric, atol, rtol));
        }
        return reports;
    }

    private static GradCheckReport Compare(int input, double[] analytic, double[] numeric, double atol, double rtol)
    {
        double maxAbs = 0, maxRel = 0, worstExcess = double.NegativeInfinity;
        int worst = 0;
        for (int j = 0; j < numeric.Length; j++)
        {
            double err = Math.Abs(analytic[j] - numeric[j]);
            double excess = err - (atol + rtol * Math.Abs(numeric[j]));
            if (double.IsNaN(excess)) excess = double.PositiveInfinity; // a NaN gradient fails
            maxAbs = Math.Max(maxAbs, err);
            maxRel = Math.Max(maxRel, err / Math.Max(Math.Abs(numeric[j]), 1e-12));
            if (excess > worstExcess) (worstExcess, worst) = (excess, j);
        }
        bool passed = numeric.Length == 0 || worstExcess <= 0;
        return new GradCheckReport(input, numeric.Length, maxAbs, maxRel, passed, worst,
            numeric.Length > 0 ? analytic[worst] : 0, numeric.Length > 0 ? numeric[worst] : 0);
    }

    /// <summary>Throws a <see cref="GradCheckException"/> naming the input, element and both values when any input fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-5)
    {
        foreach (var r in Run(f, inputs, eps, atol, rtol))
        {
            if (!r.Passed)
                throw new GradCheckException(
                    $"gradient of input {r.Input} (shape {Shapes.Format(inputs[r.Input].Shape)}) is wrong at element {r.WorstIndex}: " +
                    $"analytic {r.Analytic:G10}, finite differences {r.Numeric:G10} (max abs error {r.MaxAbsError:G3}, max rel error {r.MaxRelError:G3})");
        }
    }

    /// <summary>Second order: checks the gradient of G(x) = sum_i &lt;dL/dx_i, v_i&gt; (fixed random v),
    /// where dL/dx is computed with createGraph, against finite differences of G. This exercises
    /// every backward rule's own backward: what WGAN-GP's gradient penalty relies on.</summary>
    public static void AssertSecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-5, double atol = 1e-5, double rtol = 1e-4, ulong seed = 11)
    {
        Tensor[]? directions = null;
        Tensor G(Tensor[] xs)
        {
            var y = f(xs);
            var w = Tensor.RandN(y.Dims, new Rng(seed), dtype: DType.Float64, backend: Backend.Reference);
            var grads = Gradients.Of(y.Mul(w).Sum(), xs, createGraph: true);
            directions ??= xs.Select((x, i) => Tensor.RandN(x.Dims, new Rng(seed + 1 + (ulong)i), dtype: DType.Float64, backend: Backend.Reference)).ToArray();
            var total = grads[0].Mul(directions[0]).Sum();
            for (int i = 1; i < grads.Length; i++) total = total.Add(grads[i].Mul(directions[i]).Sum());
            return total;
        }
        Assert(G, inputs, eps, atol, rtol);
    }
}
