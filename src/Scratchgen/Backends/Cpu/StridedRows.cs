using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

/// <summary>
/// A walk over several same-shaped views as rows: the shape is first coalesced (adjacent axes merge
/// when every view's strides allow it, size-1 axes vanish), then the last axis is the row and the rest
/// are the outer index. Broadcasting by zero strides and transposes stay views: a kernel sees, per row,
/// a start offset and an element stride for each tensor (1: contiguous, 0: broadcast scalar).
/// </summary>
internal sealed class StridedRows
{
    private readonly int[] _dims;
    private readonly int[][] _strides;
    private readonly int[] _offsets;

    public StridedRows(params Tensor[] tensors)
    {
        var shape = tensors[0].Dims;
        var dims = new List<int>();
        var strides = tensors.Select(_ => new List<int>()).ToArray();
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            bool merge = dims.Count > 0;
            for (int t = 0; t < tensors.Length && merge; t++)
                merge = tensors[t].StrideArray[d] == strides[t][0] * dims[0];
            if (merge)
            {
                dims[0] *= shape[d]; // the merged block keeps its inner element stride
            }
            else
            {
                dims.Insert(0, shape[d]);
                for (int t = 0; t < tensors.Length; t++) strides[t].Insert(0, tensors[t].StrideArray[d]);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            foreach (var s in strides) s.Add(1);
        }
        _dims = [.. dims];
        _strides = strides.Select(s => s.ToArray()).ToArray();
        _offsets = tensors.Select(t => t.Offset).ToArray();
        RowLength = _dims[^1];
        RowCount = tensors[0].Numel == 0 ? 0 : tensors[0].Numel / RowLength;
    }

    public int RowLength { get; }

    public int RowCount { get; }

    /// <summary>Element stride along the row for tensor t.</summary>
    public int RowStride(int t) => _strides[t][^1];

    /// <summary>Storage offset where row r starts, for tensor t.</summary>
    public int RowStart(int t, int row)
    {
        int offset = _offsets[t];
        var strides = _strides[t];
        for (int d = _dims.Length - 2; d >= 0; d--)
        {
            offset += row % _dims[d] * strides[d];
            row /= _dims[d];
        }
        return offset;
    }
}
