using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>What values a test input holds: chosen so finite differences never straddle a kink or
/// leave the function's domain.</summary>
internal enum InputDomain
{
    /// <summary>Standard normal.</summary>
    Normal,
    /// <summary>Uniform in [0.5, 2] (log, sqrt, division, fractional powers).</summary>
    Positive,
    /// <summary>Normal shifted away from 0 by at least 0.1 (relu, abs, leaky relu at their kink).</summary>
    AwayFromZero,
    /// <summary>Uniform in [0.05, 0.95] (probabilities for BCE).</summary>
    Probability,
    /// <summary>A permutation of evenly spaced values (max: no ties, well separated).</summary>
    Distinct,
}

/// <summary>
/// One op under test: a function of its inputs and the input shapes to try. The same cases drive the
/// gradient checks (float64 Reference against finite differences), the backend comparisons (each
/// backend against Reference) and the CLI's gradcheck table, so an op added here is checked everywhere.
/// </summary>
/// <param name="Name">The op's name (the tests check every public op name appears in some case).</param>
/// <param name="F">The computation, given inputs on one backend and dtype.</param>
/// <param name="Shapes">Sets of input shapes; small ones are gradient-checked, all are compared across backends.</param>
/// <param name="Domains">Value domain per input (the last one repeats for further inputs).</param>
/// <param name="SecondOrder">Also check gradients of gradients (createGraph).</param>
/// <param name="SumsOfProducts">Every output and gradient is a sum of products of the inputs (matmul, linear,
/// convolution): backend comparisons allow float32 rounding in proportion to the sum of |products| (ParityCheck).</param>
internal sealed record OpCase(string Name, Func<Tensor[], Tensor> F, int[][][] Shapes, InputDomain[] Domains, bool SecondOrder = false,
    bool SumsOfProducts = false)
{
    public override string ToString() => Name;

    /// <summary>Inputs for one shape set, deterministic for a seed; float32 or float64 on a backend.</summary>
    public Tensor[] MakeInputs(int shapeSet, ulong seed, DType dtype, IBackend backend)
    {
        var rng = new Rng(seed);
        var shapes = Shapes[shapeSet];
        var inputs = new Tensor[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            var domain = Domains[Math.Min(i, Domains.Length - 1)];
            var values = new double[Tensors.Shapes.Numel(shapes[i])];
            for (int j = 0; j < values.Length; j++) values[j] = Draw(domain, rng, j, values.Length);
            if (domain == InputDomain.Distinct) rng.Shuffle(values.AsSpan());
            inputs[i] = Tensor.FromArray(values, shapes[i], dtype, backend);
        }
        return inputs;
    }

    /// <summary>y = F(inputs) and dL/d(input) for L = sum(y * w) with fixed weights w = 1 + (i mod 5) / 4,
    /// all copied to host arrays: what backend comparisons compare.</summary>
    public (double[] Output, double[][] Gradients) Evaluate(Tensor[] inputs)
    {
        foreach (var t in inputs) t.RequiresGrad = true;
        var y = F(inputs);
        var w = new double[y.Numel];
        for (int i = 0; i < w.Length; i++) w[i] = 1 + i % 5 / 4.0;
        var loss = Ops.TensorReductions.Sum(Ops.TensorElementwise.Mul(y, Tensor.FromArray(w, y.Dims, y.DType, y.Backend)));
        if (loss.RequiresGrad) loss.Backward();
        return (y.ToDoubleArray(), inputs.Select(t => t.Grad?.ToDoubleArray() ?? new double[t.Numel]).ToArray());
    }

    private static double Draw(InputDomain domain, Rng rng, int index, int count) => domain switch
    {
        InputDomain.Positive => 0.5 + 1.5 * rng.NextDouble(),
        InputDomain.AwayFromZero => rng.NextNormal() is var z && z >= 0 ? z + 0.1 : z - 0.1,
        InputDomain.Probability => 0.05 + 0.9 * rng.NextDouble(),
        InputDomain.Distinct => -1.0 + 2.0 * index / Math.Max(count, 1) + 0.01,
        _ => rng.NextNormal(),
    };
}
