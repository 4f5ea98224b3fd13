using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Functors;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The two-stage reduction (ReduceKernels.ReduceSlices, then Reduce over the partials) against the
/// Reference, with the slice count forced, on ILGPU's CPU accelerator: one output and several, slices that do
/// not divide the row, more slices than elements, reduced axes in the middle (strided rows), sum, max and the
/// sum of squares (whose second stage must not square the partials).</summary>
public sealed class IlgpuReduceSlicesTests
{
    public static TheoryData<int[], int[], int> Cases() => new()
    {
        { [1000], [1], 7 }, { [33], [1], 40 }, { [3, 257], [3, 1], 5 }, { [4, 17, 5], [1, 17, 1], 3 },
        { [2, 3, 40], [2, 1, 1], 16 }, { [1, 65], [1, 1], 2 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Slices_MatchTheReference(int[] shape, int[] outShape, int slices)
    {
        var backend = (IlgpuBackend)IlgpuDevices.Get("ilgpu-cpu");
        var values = Tensor.RandN(shape, new Rng(7), backend: Backend.Reference).ToArray();
        void Check<TFn>(TFn fn, Func<double, double> load, Func<double, double, double> combine, double identity) where TFn : struct, IReduceFn
        {
            var x = Tensor.FromArray(values, shape, backend);
            var y = Tensor.Zeros(outShape, backend: backend);
            backend.ReduceGpu(x, y, fn, slices);
            // Oracle: fold in float64 over the reduced axes.
            var expected = new double[Shapes.Numel(outShape)];
            Array.Fill(expected, identity);
            var index = new int[shape.Length];
            for (int i = 0; i < values.Length; i++)
            {
                int rest = i, o = 0;
                for (int d = shape.Length - 1; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
                for (int d = 0; d < shape.Length; d++) o = o * outShape[d] + (outShape[d] == 1 ? 0 : index[d]);
                expected[o] = combine(expected[o], load(values[i]));
            }
            Close.Assert(expected.Select(v => (float)v).ToArray(), y.ToArray(), 1e-4, 1e-5, $"{typeof(TFn).Name} over {Shapes.Format(shape)} in {slices} slices");
        }
        Check(default(SumFn), v => v, (a, b) => a + b, 0);
        Check(default(MaxFn), v => v, Math.Max, double.NegativeInfinity);
        Check(default(SumSquaresFn), v => v * v, (a, b) => a + b, 0);
    }

    [Theory]
    [InlineData(1, 627_200, 256, 132, 153)]   // a DCGAN generator's weight gradient, sum of squares: 153 slices of 4,096
    [InlineData(1, 16_383, 256, 132, 1)]      // shorter than 64 loads per thread: one group
    [InlineData(264, 1_000_000, 256, 132, 1)] // outputs enough to fill the device
    [InlineData(3, 100_000, 256, 132, 24)]    // bounded by 16 loads per thread per slice
    [InlineData(64, 100_000, 256, 132, 8)]    // about 4 groups per multiprocessor
    public void AutoSlices_FillsTheDevice(int outputs, int length, int group, int multiprocessors, int expected) =>
        Assert.Equal(expected, IlgpuBackend.AutoSlices(outputs, length, group, multiprocessors));
}
