using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y[i_perm[0], ..., i_perm[r-1]] = x[i_0, ..., i_{r-1}]: a view that reorders axes (strides permuted)
// dx = permute(dy, inverse permutation)
internal sealed class PermuteOp(Tensor x, int[] axes) : Op(x)
{
    public override string Name => "permute";
    public override string Rule => "dx = permute(dy, inverse order)";

    protected override Tensor Forward()
    {
        var dims = new int[axes.Length];
        var strides = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            dims[i] = x.Dims[axes[i]];
            strides[i] = x.StrideArray[axes[i]];
        }
        return new Tensor(x.Storage, dims, strides, x.Offset);
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        var inverse = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) inverse[axes[i]] = i;
        return [dOut.Permute(inverse)];
    }

    public static int[] Validate(int[] axes, int rank)
    {
        var normalized = axes.Select(a => Shapes.NormalizeAxis("permute", a, rank)).ToArray();
        if (normalized.Length != rank || normalized.Distinct().Count() != rank)
            throw new ShapeException("permute", $"axes ({string.Join(", ", axes)}) are not a permutation of {rank} axes");
        return normalized;
    }
}
