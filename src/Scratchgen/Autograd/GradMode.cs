namespace Scratchgen.Autograd;

/// <summary>
/// Whether ops record themselves on the tape. On by default; off inside a <see cref="NoGrad"/> scope
/// (evaluation, sampling, optimizer updates) and during a backward pass without createGraph.
/// The flag is per thread, like PyTorch's, so a scope on one thread never changes another's.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static bool t_disabled;

    /// <summary>False while a <see cref="NoGrad"/> scope is open on this thread: ops then record nothing for backward.</summary>
    public static bool IsEnabled => !t_disabled;

    /// <summary>Turns recording off until the returned scope is disposed: <c>using var _ = GradMode.NoGrad();</c></summary>
    public static Scope NoGrad() => Set(false);

    /// <summary>Turns recording on (used by createGraph backward passes).</summary>
    public static Scope Enable() => Set(true);

    private static Scope Set(bool enabled)
    {
        var scope = new Scope(!t_disabled);
        t_disabled = !enabled;
        return scope;
    }

    /// <summary>The scope <see cref="NoGrad"/> returns; disposing it restores the previous mode.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        /// <summary>Restores the grad mode that was in force when the scope opened.</summary>
        public void Dispose() => t_disabled = !previous;
    }
}
