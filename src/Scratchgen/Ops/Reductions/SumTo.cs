using Scratchgen.Tensors;

namespace Scratchgen.Ops;

internal static class SumToExtensions
{
    /// <summary>Sums a broadcast gradient down to <paramref name="shape"/>: over the leading axes that
    /// broadcasting added and over every axis where shape has 1 and g does not. Differentiable.</summary>
    public static Tensor SumTo(this Tensor g, int[] shape)
    {
        if (Shapes.Equal(g.Dims, shape)) return g;
        int lead = g.Rank - shape.Length;
        if (lead < 0) throw new ShapeException("sum_to", $"cannot sum shape {Shapes.Format(g.Dims)} to larger rank {Shapes.Format(shape)}");
        var axes = new List<int>();
        for (int i = 0; i < g.Rank; i++)
        {
            if (i < lead) axes.Add(i);
            else if (shape[i - lead] == 1 && g.Dims[i] != 1) axes.Add(i);
            else if (shape[i - lead] != g.Dims[i])
                throw new ShapeException("sum_to", $"gradient shape {Shapes.Format(g.Dims)} does not broadcast to {Shapes.Format(shape)}");
        }
        var summed = axes.Count > 0 ? g.Sum([.. axes], keepdim: true) : g;
        return summed.Reshape(shape);
    }
}
