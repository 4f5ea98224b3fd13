using ILGPU;
using ILGPU.Algorithms;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

// Softmax and log-softmax of each row of a contiguous (rows, L) matrix, one group per row (rows g,
// g + grid, ... when there are more rows than groups), G threads; thread t walks j = t, t + G, ... and a
// shared-memory tree in a fixed order combines the G partials (bit-reproducible, no atomics):
//   forward:  m = max x (tree), s = sum exp(x - m) (tree), then y = exp(x - m) / s or y = x - m - log s
//   backward: g = sum dy y (softmax) or sum dy (log) (tree), then dx = y (dy - g) or dy - exp(y) g
// One launch each way; the composed SoftmaxLowering launched 9 (forward) and 5 (backward) on a (5, 19) input.
internal static class SoftmaxKernels
{
    public static void Forward(ArrayView<float> x, ArrayView<float> y, int rows, int length, int log)
    {
        var partial = SharedMemory.Allocate<float>(ReduceKernels.MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            int start = r * length;
            float m = float.NegativeInfinity;
            for (int j = t; j < length; j += g) m = XMath.Max(m, x[start + j]);
            m = ReduceKernels.GroupTree(partial, m, t, g, default(MaxFn));
            float s = 0;
            for (int j = t; j < length; j += g) s += XMath.Exp(x[start + j] - m);
            s = ReduceKernels.GroupTree(partial, s, t, g, default(SumFn));
            if (log != 0)
            {
                float offset = m + XMath.Log(s);
                for (int j = t; j < length; j += g) y[start + j] = x[start + j] - offset;
            }
            else
            {
                float inv = 1f / s;
                for (int j = t; j < length; j += g) y[start + j] = XMath.Exp(x[start + j] - m) * inv;
            }
        }
    }

    public static void Backward(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int rows, int length, int log)
    {
        var partial = SharedMemory.Allocate<float>(ReduceKernels.MaxGroup);
        int t = Group.IdxX, g = Group.DimX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            int start = r * length;
            float sum = 0;
            for (int j = t; j < length; j += g) sum += log != 0 ? dy[start + j] : dy[start + j] * y[start + j];
            sum = ReduceKernels.GroupTree(partial, sum, t, g, default(SumFn));
            for (int j = t; j < length; j += g)
                dx[start + j] = log != 0 ? dy[start + j] - XMath.Exp(y[start + j]) * sum : y[start + j] * (dy[start + j] - sum);
        }
    }
}
