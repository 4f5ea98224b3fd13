using System.Globalization;

namespace Scratchgen.Checkpoints;

/// <summary>
/// Hooks for the child-process tests of crash safety, read from the environment once. Unset, as in
/// every normal run, they do nothing.
/// <list type="bullet">
/// <item><c>SCRATCHGEN_FAULT_PAUSE_MS=N</c>: after each step of an <see cref="AtomicFileSet"/> commit, write
/// "fault-injection: STEP" to stderr and sleep N ms, a window in which a test kills the process;</item>
/// <item><c>SCRATCHGEN_FAULT_DISK_FULL_AFTER=N</c>: once this process has written N bytes through
/// <see cref="AtomicFile"/>, its writes fail as on a full disk (ENOSPC).</item>
/// </list>
/// </summary>
internal static class FaultInjection
{
    /// <summary>Linux's errno for "No space left on device", which .NET reports as the IOException's HResult.</summary>
    public const int NoSpaceLeftOnDevice = 28;

    private static readonly int PauseMs = Read("SCRATCHGEN_FAULT_PAUSE_MS") is long ms ? (int)Math.Min(ms, 60_000) : 0;
    private static readonly long? DiskFullAfter = Read("SCRATCHGEN_FAULT_DISK_FULL_AFTER");
    private static long _written;

    private static long? Read(string name) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>Marks a step of a multi-file commit (and pauses there when asked to).</summary>
    public static void Step(string step)
    {
        if (PauseMs == 0) return;
        Console.Error.WriteLine($"fault-injection: {step}");
        Console.Error.Flush();
        Thread.Sleep(PauseMs);
    }

    /// <summary>The stream an atomic write goes to: <paramref name="stream"/> itself, or one that runs out of space.</summary>
    public static Stream Wrap(Stream stream) => DiskFullAfter is long limit ? new DiskFullStream(stream, limit) : stream;

    private sealed class DiskFullStream(Stream inner, long limit) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Interlocked.Add(ref _written, buffer.Length) > limit)
                throw new IOException("No space left on device", NoSpaceLeftOnDevice);
            inner.Write(buffer);
        }
    }
}
