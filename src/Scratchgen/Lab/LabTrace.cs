using System.Globalization;
using Scratchgen.Diagnostics;

namespace Scratchgen.Lab;

/// <summary>One backward pass of a traced lab step and the forward ops recorded before it.</summary>
/// <param name="Title">Which update it was ("D update 1 of 2", "G update").</param>
/// <param name="Forward">The forward ops in order: "Op inputs -> output" with shapes.</param>
/// <param name="Root">The tensor the backward pass started from (the loss).</param>
/// <param name="Backward">The backward steps in the order the engine ran them: op, rule, gradient norms.</param>
internal sealed record LabTracePart(string Title, IReadOnlyList<string> Forward, string Root, IReadOnlyList<string> Backward);

/// <summary>
/// What the engine did in one lab step, in <c>trace</c>'s terms (<see cref="BackpropTrace"/>): for each D
/// update and the G update, the forward ops recorded on the tape and the backward steps with their local
/// derivative rules and gradient norms. The page's "what is happening" panel shows it.
/// </summary>
/// <param name="Step">The step traced (1-based count after it ran).</param>
/// <param name="Parts">One part per backward pass.</param>
internal sealed record LabTrace(long Step, IReadOnlyList<LabTracePart> Parts)
{
    /// <summary>The trace's segments, titled as D updates then the G update.</summary>
    public static LabTrace From(long step, IReadOnlyList<TraceSegment> segments, int dSteps)
    {
        var parts = new List<LabTracePart>();
        foreach (var (seg, i) in segments.Where(s => s.Root != null).Select((s, i) => (s, i)))
        {
            string title = i < dSteps ? $"D update {i + 1} of {dSteps}: D learns to tell real points from G's" : "G update: G moves its points where D says 'real'";
            var forward = seg.Forward.Select(f => $"{f.Op} {string.Join(", ", f.Inputs)} -> {f.Output}").ToList();
            var backward = seg.Backward.Select(b =>
                $"{b.Op}: {(b.Rule.Length > 0 ? b.Rule : "(rule not written)")}; |dL/d {b.Output}| = {N(b.GradOutputNorm)}" +
                string.Concat(b.Inputs.Where(x => x.GradNorm != null).Select(x => $"; -> {x.Tensor} |g| = {N(x.GradNorm!.Value)}{(x.Accumulated ? " (accumulated)" : "")}"))).ToList();
            parts.Add(new LabTracePart(title, forward, seg.Root!, backward));
        }
        return new LabTrace(step, parts);
    }

    private static string N(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
