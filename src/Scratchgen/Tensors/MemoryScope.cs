namespace Scratchgen.Tensors;

/// <summary>
/// Step-scoped tensor memory. While a scope is open on a thread, every storage a backend allocates
/// for that thread (op outputs, gradients, temporaries) is recorded. <see cref="End"/> takes the
/// tensors that must outlive the step (parameters, buffers, gradients, optimizer state: whatever the
/// caller names) and releases every other recorded storage back to its backend's pool, so the next
/// step reuses the same memory: no garbage for the .NET collector on the Cpu backend, and no
/// cudaMalloc per tensor on the GPU.
///
/// Safety: a released storage is marked, and any later use of a tensor on it (a kernel, ToArray)
/// throws ObjectDisposedException naming the tensor, instead of reading memory that now belongs to
/// another tensor. Pooled memory is cleared when rented again, so results are bit-identical with
/// and without scopes (tested). A scope disposed without End (an exception mid-step) releases nothing.
///
/// What a step keeps is usually replaced by the next step (new gradients, new running statistics):
/// pass the previous scope as <c>carryFrom</c> and the storages it kept are checked again at the
/// next End, so they too return to the pool once nothing names them. A warm loop then allocates
/// nothing new (tested on the Cpu backend and on an ILGPU accelerator).
/// <code>
/// MemoryScope? previous = null;
/// foreach (var batch in batches)
/// {
///     using var scope = MemoryScope.Begin(carryFrom: previous);
///     var losses = model.TrainStep(batch.Images, batch.Labels);
///     scope.End(keep: model.PersistentTensors());
///     previous = scope;
/// }
/// </code>
/// </summary>
public sealed class MemoryScope : IDisposable
{
    [ThreadStatic] private static MemoryScope? t_current;

    private readonly MemoryScope? _outer;
    private readonly List<Storage> _recorded = [];
    private readonly List<Storage> _kept = [];
    private bool _closed;

    private MemoryScope(MemoryScope? outer) => _outer = outer;

    /// <summary>Opens a scope on this thread (nested scopes record into the innermost). The storages
    /// that <paramref name="carryFrom"/> kept are recorded again, to be released by this scope's End
    /// when nothing names them any more.</summary>
    public static MemoryScope Begin(MemoryScope? carryFrom = null)
    {
        var scope = new MemoryScope(t_current);
        if (carryFrom != null) scope._recorded.AddRange(carryFrom._kept);
        return t_current = scope;
    }

    /// <summary>The loop above as an enumeration: each item is produced (MoveNext) and used inside a scope
    /// carried from the previous item's, so an item's own tensors (a batch) are recorded too. The scope
    /// of an item ends, keeping <paramref name="keep"/>(), when the next item is asked for or the items
    /// run out; leaving early (break, an exception) disposes it without End, which releases nothing.</summary>
    public static IEnumerable<T> PerItem<T>(IEnumerable<T> items, Func<IEnumerable<Tensor?>> keep)
    {
        MemoryScope? previous = null;
        using var e = items.GetEnumerator();
        while (true)
        {
            using var scope = Begin(carryFrom: previous);
            if (!e.MoveNext()) yield break;
            yield return e.Current;
            scope.End(keep());
            previous = scope;
        }
    }

    /// <summary>Storages recorded so far.</summary>
    public int RecordedCount => _recorded.Count;

    /// <summary>Whether a scope is open on this thread (a storage allocated now will be recorded).</summary>
    internal static bool IsOpen => t_current != null;

    /// <summary>Called by backends for every storage they allocate from pooled memory.</summary>
    internal static void Record(Storage storage) => t_current?._recorded.Add(storage);

    /// <summary>Releases every recorded storage that no tensor in <paramref name="keep"/> uses, and
    /// closes the scope. Returns the number released. The kept ones are remembered for a later
    /// scope's carryFrom, and, in a nested scope, recorded again by the enclosing scope, whose End
    /// checks them once more (a part of a step, such as a GAN's discriminator update, can free its
    /// tensors early without losing track of what it kept). Otherwise the garbage collector takes care
    /// of them.</summary>
    public int End(IEnumerable<Tensor?> keep)
    {
        var kept = new HashSet<Storage>(ReferenceEqualityComparer.Instance);
        foreach (var t in keep)
            if (t != null) kept.Add(t.Storage);
        int released = 0;
        foreach (var s in _recorded)
        {
            if (s.IsReleased) continue;
            if (kept.Contains(s))
            {
                _kept.Add(s);
                continue;
            }
            s.Release();
            released++;
        }
        _recorded.Clear();
        if (_outer is { _closed: false }) _outer._recorded.AddRange(_kept);
        Close();
        return released;
    }

    /// <summary>Closes the scope without releasing anything it recorded.</summary>
    public void Dispose() => Close();

    private void Close()
    {
        if (_closed) return;
        _closed = true;
        if (t_current == this) t_current = _outer;
    }
}
