namespace Scratchgen.Autograd;

/// <summary>
/// The time covered by a set of spans, each instant counted once: an op's forward, a backward step with
/// the ops its rule ran inside it, an optimizer step with its ops. The profiler adds every span it is
/// told of as it ends and reads <see cref="Total"/>: the time spent in ops and optimizer steps, against
/// which the rest of a training step (the model's own code between ops) is measured.
/// </summary>
internal sealed class SpanUnion
{
    // Disjoint spans in order. A span ends no earlier than those added before it (spans are reported as
    // they end), so only the last few can overlap a new one: those are merged into it.
    private readonly List<(long Start, long End)> _spans = [];
    private long _total;

    /// <summary>Adds [start, end) (Stopwatch ticks), merging it with the spans it overlaps.</summary>
    public void Add(long start, long end)
    {
        while (_spans.Count > 0 && _spans[^1].End >= start)
        {
            var last = _spans[^1];
            (start, end) = (Math.Min(start, last.Start), Math.Max(end, last.End));
            _total -= last.End - last.Start;
            _spans.RemoveAt(_spans.Count - 1);
        }
        _spans.Add((start, end));
        _total += end - start;
    }

    /// <summary>The time the spans cover (ticks).</summary>
    public long Total => _total;
}
