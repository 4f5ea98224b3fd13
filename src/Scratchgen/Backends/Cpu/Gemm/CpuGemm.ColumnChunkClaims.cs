using System.Diagnostics;

namespace Scratchgen.Backends.Cpu.Gemm;

internal static partial class CpuGemm
{
    // What the threads of one column-chunk GEMM (GemmJob.RunColumnChunks) share: the next chunk of C's
    // columns, and for each block of A (k-blocks in order, MC-row blocks within each) which groups of
    // ClaimPanels panels a thread has claimed or packed, and whether the whole block is packed.
    internal sealed class ColumnChunkClaims
    {
        private const int Free = 0, Claimed = 1, Packed = 2;

        // How long a thread that needs a block whose groups other threads are packing waits before it packs the
        // block into its own buffer: a few times what packing a group takes (24 or 64 rows of up to KC floats),
        // far less than the milliseconds for which the host may keep a thread off its core.
        private static readonly long PatienceTicks = Stopwatch.Frequency * 20 / 1_000_000;

        private readonly int _groupsPerBlock;
        private readonly int[] _groups;
        private readonly int[] _ready;
        private int _nextChunk;

        internal ColumnChunkClaims(int m, int k, int mr)
        {
            int blocks = (k + KC - 1) / KC * ((m + MC - 1) / MC);
            _groupsPerBlock = ((MC + mr - 1) / mr + GemmJob.ClaimPanels - 1) / GemmJob.ClaimPanels;
            _groups = new int[blocks * _groupsPerBlock];
            _ready = new int[blocks];
        }

        internal int TakeChunk() => Interlocked.Increment(ref _nextChunk) - 1;

        internal bool IsReady(int block) => Volatile.Read(ref _ready[block]) != 0;

        internal void MarkReady(int block) => Volatile.Write(ref _ready[block], 1);

        // True for the one thread that claims a group nobody has claimed: that thread packs it.
        internal bool TryClaim(int block, int group) =>
            Interlocked.CompareExchange(ref _groups[block * _groupsPerBlock + group], Claimed, Free) == Free;

        // Published after the group's floats are written (a release store), so that a thread that reads
        // Packed reads them too.
        internal void MarkPacked(int block, int group) => Volatile.Write(ref _groups[block * _groupsPerBlock + group], Packed);

        // Waits up to PatienceTicks for the first `groups` groups of a block to be packed; false if one still is not.
        internal bool AwaitPacked(int block, int groups)
        {
            long deadline = 0;
            for (int g = 0; g < groups; g++)
            {
                ref int state = ref _groups[block * _groupsPerBlock + g];
                while (Volatile.Read(ref state) != Packed)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (deadline == 0) deadline = now + PatienceTicks;
                    else if (now > deadline) return false;
                    Thread.SpinWait(8);
                }
            }
            return true;
        }
    }
}
