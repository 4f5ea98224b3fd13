namespace Scratchgen.Backends.Ilgpu.Kernels;

// A logical shape of rank <= 6 as kernel arguments: ILGPU kernels take structs by value, not arrays,
// so the sizes sit in fields. Rank counts the used dimensions, which are the last Rank of D0..D5;
// the leading ones are 1. The host coalesces dimensions first (ViewPlanner), so the common
// contiguous case reaches the kernel as rank 1 and costs one multiply per operand.
internal readonly struct ViewShape(int rank, int d0, int d1, int d2, int d3, int d4, int d5)
{
    public const int MaxRank = 6;

    public readonly int Rank = rank;
    public readonly int D0 = d0, D1 = d1, D2 = d2, D3 = d3, D4 = d4, D5 = d5;

    public static ViewShape Of(ReadOnlySpan<int> dims)
    {
        Span<int> d = stackalloc int[MaxRank];
        d.Fill(1);
        dims.CopyTo(d[(MaxRank - dims.Length)..]);
        return new ViewShape(dims.Length, d[0], d[1], d[2], d[3], d[4], d[5]);
    }
}

// Strides (in elements) of one operand over a ViewShape, aligned the same way, plus its offset.
internal readonly struct ViewStrides(int offset, int s0, int s1, int s2, int s3, int s4, int s5)
{
    public readonly int Offset = offset;
    public readonly int S0 = s0, S1 = s1, S2 = s2, S3 = s3, S4 = s4, S5 = s5;

    public static ViewStrides Of(int offset, ReadOnlySpan<int> strides)
    {
        Span<int> s = stackalloc int[ViewShape.MaxRank];
        s.Clear();
        strides.CopyTo(s[(ViewShape.MaxRank - strides.Length)..]);
        return new ViewStrides(offset, s[0], s[1], s[2], s[3], s[4], s[5]);
    }

    // Storage index of row-major position `linear` of `shape` in this operand.
    //   offset + sum_d (linear unravelled over shape)[d] * stride[d]
    public int At(in ViewShape shape, int linear)
    {
        if (shape.Rank <= 1) return Offset + linear * S5;
        int o = Offset;
        o += linear % shape.D5 * S5; linear /= shape.D5;
        o += linear % shape.D4 * S4; linear /= shape.D4;
        if (shape.Rank == 2) return o;
        o += linear % shape.D3 * S3; linear /= shape.D3;
        if (shape.Rank == 3) return o;
        o += linear % shape.D2 * S2; linear /= shape.D2;
        if (shape.Rank == 4) return o;
        o += linear % shape.D1 * S1; linear /= shape.D1;
        return o + linear * S0;
    }
}
