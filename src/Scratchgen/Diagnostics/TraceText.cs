using System.Globalization;
using System.Text;

namespace Scratchgen.Diagnostics;

/// <summary>A <see cref="BackpropTrace"/> as plain text: per segment, the forward ops numbered in order,
/// then the backward steps in the order the engine ran them, each with its rule and gradient norms.</summary>
public static class TraceText
{
    /// <summary>The trace as plain text: each segment's forward ops, then its backward steps with the rule applied and the gradient norms.</summary>
    public static string Format(IReadOnlyList<TraceSegment> segments)
    {
        var sb = new StringBuilder();
        for (int s = 0; s < segments.Count; s++)
        {
            var seg = segments[s];
            string part = segments.Count > 1 ? $" (part {s + 1} of {segments.Count})" : "";
            sb.AppendLine($"FORWARD{part}: {seg.Forward.Count} ops recorded on the tape");
            for (int i = 0; i < seg.Forward.Count; i++)
            {
                var f = seg.Forward[i];
                sb.AppendLine($"  {i + 1,3}  {f.Op,-16} {string.Join(", ", f.Inputs)}  ->  {f.Output}");
            }
            if (seg.Root == null) continue;
            sb.AppendLine();
            sb.AppendLine($"BACKWARD{part} from {seg.Root}: {seg.Backward.Count} steps, output to inputs (|g| is the L2 norm of a gradient)");
            for (int i = 0; i < seg.Backward.Count; i++)
            {
                var b = seg.Backward[i];
                sb.AppendLine($"  {i + 1,3}  {b.Op,-16} rule: {(b.Rule.Length > 0 ? b.Rule : "(not written)")}");
                sb.AppendLine($"       dL/d {b.Output}  |g| = {N(b.GradOutputNorm)}");
                foreach (var input in b.Inputs)
                {
                    if (input.GradNorm is not double g)
                    {
                        sb.AppendLine($"         -> {input.Tensor}: no gradient needed");
                        continue;
                    }
                    string acc = input.Accumulated ? "   [ACCUMULATED: used more than once; added to the gradient it already had]" : "";
                    sb.AppendLine($"         -> dL/d {input.Tensor}  |g| = {N(g)}{acc}");
                }
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string N(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
