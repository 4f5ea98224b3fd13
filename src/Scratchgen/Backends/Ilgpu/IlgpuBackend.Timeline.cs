using ILGPU.Runtime;
using Expr = System.Linq.Expressions.Expression;

namespace Scratchgen.Backends.Ilgpu;

// The kernel timeline's side of the backend (KernelTimeline): profiling markers around every launch, memset,
// upload and download while a timeline is set. Kernel() hands out the wrapped launchers; Rent, Upload and
// Download mark their copies and memsets themselves.
internal sealed partial class IlgpuBackend
{
    /// <summary>Diagnostics: when set, every launch, memset, upload and download is bracketed by profiling
    /// markers (KernelTimeline); `bench models --kernel-timeline` sets it after warm-up.</summary>
    public KernelTimeline? Timeline { get; set; }

    private readonly Dictionary<string, Delegate> _timed = [];

    // The launcher wrapped as (args) => { start = marker; launcher(args); timeline.Add(label, start, marker) },
    // built once per kernel label from an expression of the launcher's own delegate type.
    private TDelegate Timed<TDelegate>(TDelegate launcher, string label) where TDelegate : Delegate
    {
        if (_timed.TryGetValue(label, out var cached) && cached is TDelegate wrapped) return wrapped;
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters()
            .Select(p => Expr.Parameter(p.ParameterType)).ToArray();
        var start = Expr.Variable(typeof(ProfilingMarker));
        var self = Expr.Constant(this);
        var body = Expr.Block([start],
            Expr.Assign(start, Expr.Call(self, MarkMethod)),
            Expr.Invoke(Expr.Constant(launcher), parameters),
            Expr.Call(self, EndMethod, Expr.Constant(label), start));
        wrapped = Expr.Lambda<TDelegate>(body, parameters).Compile();
        _timed[label] = wrapped;
        return wrapped;
    }

    private static readonly System.Reflection.MethodInfo MarkMethod = typeof(IlgpuBackend).GetMethod(nameof(Mark), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
    private static readonly System.Reflection.MethodInfo EndMethod = typeof(IlgpuBackend).GetMethod(nameof(EndTimed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    // A profiling marker in the default stream, or null when no timeline is set.
    private ProfilingMarker? Mark() => Timeline == null ? null : _accelerator.DefaultStream.AddProfilingMarker();

    private void EndTimed(string label, ProfilingMarker? start)
    {
        if (start != null && Timeline is { } timeline) timeline.Add(label, start, _accelerator.DefaultStream.AddProfilingMarker());
        else start?.Dispose();
    }
}
