using System.Runtime.InteropServices;

namespace Scratchgen.Backends.Cpu.Gemm;

// Pack buffers for V3, 64-byte aligned native memory (cache-line aligned, so the micro-kernel's
// aligned loads of B are legal), allocated once and reused by every later call:
//   PackBuffers        one A block and one B block per thread (thread-static), freed by the
//                      finalizer when the thread dies;
//   SharedPackBuffers  the double buffer that threads of one GEMM pack the shared operand into
//                      (A blocks for an n split, B blocks for an m split, all of A for column
//                      chunks where it fits one half, else a buffer grown for it), owned by GemmThreads.
// These are scratch caches, not state: no result depends on what was in them.
internal static partial class CpuGemm
{
    // +64 floats of slack past every block, for the 8-wide stores of the packing transposes.
    private const long Slack = 64;
    private const long ABlockFloats = (long)MC * KC + Slack;
    private const long BBlockFloats = (long)(NC + NR) * KC + Slack;

    private static unsafe float* AlignedFloats(long count) =>
        (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);

    private sealed unsafe class PackBuffers
    {
        [ThreadStatic]
        private static PackBuffers? t_current;

        internal readonly float* A = AlignedFloats(ABlockFloats);
        internal readonly float* B = AlignedFloats(BBlockFloats);

        ~PackBuffers()
        {
            NativeMemory.AlignedFree(A);
            NativeMemory.AlignedFree(B);
        }

        internal static PackBuffers ForCurrentThread() => t_current ??= new PackBuffers();
    }

    // Two halves, each big enough for either a packed A block or a packed B block. Lives as long as
    // the process (held by GemmThreads), so it has no finalizer.
    private sealed unsafe class SharedPackBuffers
    {
        private static readonly long Half = Math.Max(ABlockFloats, BBlockFloats);

        internal readonly float* First = AlignedFloats(Half);
        internal readonly float* Second = AlignedFloats(Half);

        private readonly Lock _grow = new();
        private float* _wholeA;
        private long _wholeAFloats;

        // A buffer of at least `floats` for an A packed whole that First cannot hold, grown on demand and kept.
        // Only the job that holds the worker team calls this (from inside its parts), so no other GEMM is using
        // the buffer while it is replaced; the lock gives every part of that job the same buffer (the first
        // grows it, the others find it big enough).
        internal float* WholeA(long floats)
        {
            if (floats + Slack <= Half) return First;
            lock (_grow)
            {
                if (floats > _wholeAFloats)
                {
                    if (_wholeA != null) NativeMemory.AlignedFree(_wholeA);
                    _wholeA = AlignedFloats(floats + Slack);
                    _wholeAFloats = floats;
                }
                return _wholeA;
            }
        }
    }
}
