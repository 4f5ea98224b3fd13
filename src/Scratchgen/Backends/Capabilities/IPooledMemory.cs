namespace Scratchgen.Backends;

/// <summary>A backend that keeps the memory of released tensors for reuse (a pool keyed by exact length,
/// which is what a training loop's repeated steps ask for). A caller that moves to work of other shapes
/// (held-out evaluation after training, pictures after evaluation) can hand the idle memory back, so that
/// the new shapes reuse it instead of adding to the process's peak.</summary>
internal interface IPooledMemory
{
    /// <summary>Bytes the pool holds for reuse (no tensor uses them).</summary>
    long PooledBytes { get; }

    /// <summary>Lets go of everything the pool holds; tensors in use are unaffected. Host memory then goes
    /// back to the garbage collector, device memory to the device.</summary>
    void ReleasePooled();
}
