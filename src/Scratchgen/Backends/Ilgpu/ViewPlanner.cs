using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>
/// Host-side preparation of strided operands that share one logical shape: drops size-1 dimensions
/// and merges neighbouring dimensions that are contiguous with each other in every operand (the
/// merged pair has stride[d] == stride[d+1] * size[d+1] in all of them). A contiguous tensor becomes
/// rank 1; a transposed matrix stays rank 2. Throws when the result still exceeds the kernels' rank.
/// </summary>
internal static class ViewPlanner
{
    public static (ViewShape Shape, ViewStrides[] Strides) Plan(string op, ReadOnlySpan<int> dims, params Tensor[] operands)
    {
        var sizes = new List<int>();
        var strides = operands.Select(_ => new List<int>()).ToArray();
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] == 1) continue;
            int last = sizes.Count - 1;
            bool merge = last >= 0;
            for (int k = 0; k < operands.Length && merge; k++)
                merge = strides[k][last] == operands[k].StrideArray[d] * dims[d];
            if (merge)
            {
                sizes[last] *= dims[d];
                for (int k = 0; k < operands.Length; k++) strides[k][last] = operands[k].StrideArray[d];
            }
            else
            {
                sizes.Add(dims[d]);
                for (int k = 0; k < operands.Length; k++) strides[k].Add(operands[k].StrideArray[d]);
            }
        }
        if (sizes.Count == 0)
        {
            sizes.Add(1);
            foreach (var s in strides) s.Add(0);
        }
        if (sizes.Count > ViewShape.MaxRank)
            throw new NotSupportedException(
                $"{op}: the ilgpu backend handles views of at most {ViewShape.MaxRank} non-mergeable dimensions, got {Shapes.Format(dims)}");
        var result = new ViewStrides[operands.Length];
        for (int k = 0; k < operands.Length; k++) result[k] = ViewStrides.Of(operands[k].Offset, strides[k].ToArray());
        return (ViewShape.Of(sizes.ToArray()), result);
    }
}
