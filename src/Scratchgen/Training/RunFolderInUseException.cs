namespace Scratchgen.Training;

/// <summary>Another run holds the folder's lock (<see cref="RunFolderLock"/>).</summary>
public sealed class RunFolderInUseException(string dir, string lockPath, RunFolderLock.LockOwner owner)
    : IOException($"{dir} is in use by another training run ({owner.Describe()}): wait for it to finish, or choose another --out " +
        $"(if that run is gone on another host, delete {lockPath})")
{
    /// <summary>The run holding the folder.</summary>
    public RunFolderLock.LockOwner Owner { get; } = owner;
}
