using ILGPU;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Running totals E0 <= E1 <= ... <= E7 of 8 lengths, as kernel arguments (ILGPU takes no arrays, so they sit
// in fields, like ViewShape's sizes). Item i of the concatenation belongs to entry k, the first with i < E_k,
// at position i - E_(k-1) in it (E_(-1) = 0). Unused entries repeat the total: length 0.
internal readonly struct Ends8(int e0, int e1, int e2, int e3, int e4, int e5, int e6, int e7)
{
    public const int Capacity = 8;

    public readonly int E0 = e0, E1 = e1, E2 = e2, E3 = e3, E4 = e4, E5 = e5, E6 = e6, E7 = e7;

    public int Total => E7;

    // Entry k of i, and i's position in it.
    public int Locate(int i, out int local)
    {
        int k = i < E3 ? (i < E1 ? (i < E0 ? 0 : 1) : (i < E2 ? 2 : 3)) : (i < E5 ? (i < E4 ? 4 : 5) : (i < E6 ? 6 : 7));
        local = i - Start(k);
        return k;
    }

    // E_(k-1): where entry k starts.
    public int Start(int k) => k switch { 0 => 0, 1 => E0, 2 => E1, 3 => E2, 4 => E3, 5 => E4, 6 => E5, _ => E6 };

    public static Ends8 Of(ReadOnlySpan<int> lengths)
    {
        if (lengths.Length > Capacity) throw new ArgumentException($"at most {Capacity} entries, got {lengths.Length}", nameof(lengths));
        Span<int> e = stackalloc int[Capacity];
        long total = 0;
        for (int k = 0; k < Capacity; k++)
        {
            total += k < lengths.Length ? lengths[k] : 0;
            if (total > int.MaxValue) throw new ArgumentException($"the lengths add up to more than {int.MaxValue}", nameof(lengths));
            e[k] = (int)total;
        }
        return new Ends8(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]);
    }
}

// Up to 8 contiguous float tensors as one kernel argument (multi-tensor apply): one launch walks all of them,
// where one launch per tensor would pay a launch each (a DCGAN step's optimizers update 18 parameters).
// T_k is tensor k's elements (a view of exactly its length); Ends numbers them as one concatenation.
internal readonly struct TensorList8(ArrayView<float> t0, ArrayView<float> t1, ArrayView<float> t2, ArrayView<float> t3,
    ArrayView<float> t4, ArrayView<float> t5, ArrayView<float> t6, ArrayView<float> t7, Ends8 ends)
{
    public readonly ArrayView<float> T0 = t0, T1 = t1, T2 = t2, T3 = t3, T4 = t4, T5 = t5, T6 = t6, T7 = t7;
    public readonly Ends8 Ends = ends;

    public ArrayView<float> Tensor(int k) => k switch { 0 => T0, 1 => T1, 2 => T2, 3 => T3, 4 => T4, 5 => T5, 6 => T6, _ => T7 };

    // Up to 8 views (unused slots: an empty view of the first) and their lengths.
    public static TensorList8 Of(ArrayView<float>[] views)
    {
        if (views.Length is 0 or > Ends8.Capacity) throw new ArgumentException($"1 to {Ends8.Capacity} tensors, got {views.Length}", nameof(views));
        var v = new ArrayView<float>[Ends8.Capacity];
        for (int k = 0; k < v.Length; k++) v[k] = k < views.Length ? views[k] : views[0].SubView(0, 0);
        return new TensorList8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], Ends8.Of(views.Select(x => (int)x.Length).ToArray()));
    }
}
