using ILGPU;
using ILGPU.Algorithms;

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
            m = GroupTree(partial, m, t, g, max: true);
            float s = 0;
            for (int j = t; j < length; j += g) s += XMath.Exp(x[start + j] - m);
            s = GroupTree(partial, s, t, g, max: false);
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
            sum = GroupTree(partial, sum, t, g, max: false);
            for (int j = t; j < length; j += g)
                dx[start + j] = log != 0 ? dy[start + j] - XMath.Exp(y[start + j]) * sum : y[start + j] * (dy[start + j] - sum);
        }
    }

    // The max or the sum of every thread's value, in a fixed tree order; every thread gets it. Ends on a
    // barrier, so the shared array can be reused right after.
    private static float GroupTree(ArrayView<float> partial, float value, int t, int g, bool max)
    {
        partial[t] = value;
        Group.Barrier();
        for (int half = g / 2; half > 0; half >>= 1)
        {
            if (t < half) partial[t] = max ? XMath.Max(partial[t], partial[t + half]) : partial[t] + partial[t + half];
            Group.Barrier();
        }
        float total = partial[0];
        Group.Barrier();
        return total;
    }
}
