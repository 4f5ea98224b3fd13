using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>One run per output folder: a live owner's lock is refused naming it; a lock whose owner is
/// gone (an exited process, a reused pid, a file cut short) is taken over and said; releasing deletes it.</summary>
public sealed class RunFolderLockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-lock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string LockFile => Path.Combine(_dir, RunFolderLock.FileName);

    [Fact]
    public void ALiveOwner_IsRefused_NamingItsPidAndCommand()
    {
        using var held = RunFolderLock.Acquire(_dir);
        var ex = Assert.Throws<RunFolderInUseException>(() => RunFolderLock.Acquire(_dir));
        Assert.Equal(Environment.ProcessId, ex.Owner.Pid);
        Assert.Contains($"pid {Environment.ProcessId} ", ex.Message);
        Assert.Contains(Environment.CommandLine, ex.Message);
    }

    [Fact]
    public void Release_DeletesTheLock_SoTheNextRunTakesIt()
    {
        RunFolderLock.Acquire(_dir).Dispose();
        Assert.False(File.Exists(LockFile));
        using var again = RunFolderLock.Acquire(_dir);
        Assert.True(File.Exists(LockFile));
    }

    public static TheoryData<string, string> StaleLocks()
    {
        var self = RunFolderLock.LockOwner.Current();
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        return new()
        {
            { "an exited process", (self with { Pid = exited.Id }).ToText() },
            { "this pid, started at another time", (self with { StartTicks = self.StartTicks - TimeSpan.TicksPerHour }).ToText() },
            { "a file cut short", "host=" },
        };
    }

    [Theory, MemberData(nameof(StaleLocks))]
    public void AStaleLock_IsTakenOver_AndSaid(string what, string lockText)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(LockFile, lockText);
        var notes = new List<string>();
        using var taken = RunFolderLock.Acquire(_dir, notes.Add);
        Assert.True(notes.Count == 1 && notes[0].Contains("took over the lock of a run that is no longer running", StringComparison.Ordinal), $"{what}: {string.Join("; ", notes)}");
        Assert.Equal(Environment.ProcessId, RunFolderLock.LockOwner.Read(LockFile).Pid);
    }
}
