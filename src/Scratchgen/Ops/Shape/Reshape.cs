using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x viewed with another shape of the same size (a view when x is contiguous, else a copy first)
// dx = dy reshaped back to x's shape
internal sealed class ReshapeOp(Tensor x, int[] shape) : Op(x)
{
    public override string Name => "reshape";
    public override string Rule => "dx = reshape(dy, shape of x)";

    protected override Tensor Forward()
    {
        var source = x.IsContiguous ? x : x.Detach().Clone();
        return new Tensor(source.Storage, shape, Shapes.ContiguousStrides(shape), source.Offset);
    }

    public override Tensor?[] Backward(Tensor dOut) => [dOut.Reshape(x.Dims)];

    /// <summary>Resolves one -1 entry and checks the element count, naming both shapes on mismatch.</summary>
    public static int[] Resolve(int[] from, int[] to)
    {
        var result = (int[])to.Clone();
        int known = 1, unknown = -1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (unknown >= 0) throw new ShapeException("reshape", $"shape {Shapes.Format(to)} has more than one -1");
                unknown = i;
            }
            else known *= result[i];
        }
        int numel = Shapes.Numel(from);
        if (unknown >= 0 && known > 0 && numel % known == 0) result[unknown] = numel / known;
        if (Shapes.Numel(result) != numel || result.Any(d => d < 0))
            throw new ShapeException("reshape", $"cannot view shape {Shapes.Format(from)} as {Shapes.Format(to)}");
        return result;
    }
}
