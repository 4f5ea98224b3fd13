using System.Text;
using Scratchgen.Checkpoints;

namespace Scratchgen.Tests.Checkpoints;

/// <summary>
/// A set of files written as a unit: whatever moment a crash stops a commit at (each moment laid out on
/// disk as the commit would leave it), recovery leaves every old file or every new one; a failed write
/// (a full disk) leaves the old ones and no staged or temp file.
/// </summary>
public sealed class AtomicFileSetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-fileset-" + Guid.NewGuid().ToString("N"));
    private static readonly string[] Names = ["state", "model"];

    public AtomicFileSetTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private void Commit(string generation) =>
        AtomicFileSet.Write(_dir, Names.Select(n => (n, (Action<Stream>)(s => s.Write(Encoding.UTF8.GetBytes($"{n} {generation}"))))).ToList());

    private string Read(string name) => File.ReadAllText(Path.Combine(_dir, name));

    private string[] Listing() => Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    // The on-disk layout a commit of generation "new" over "old" leaves when stopped after `done` of its
    // steps: stage state, stage model, rename state, rename model (a half-written temp file first).
    private void Interrupted(int done)
    {
        Commit("old");
        File.WriteAllText(Path.Combine(_dir, "..state.next.0123.tmp"), "state ne"); // a temp file cut short
        if (done >= 1) File.WriteAllText(Path.Combine(_dir, ".state.next"), "state new");
        if (done >= 2) File.WriteAllText(Path.Combine(_dir, ".model.next"), "model new");
        if (done >= 3) File.Move(Path.Combine(_dir, ".state.next"), Path.Combine(_dir, "state"), overwrite: true);
        if (done >= 4) File.Move(Path.Combine(_dir, ".model.next"), Path.Combine(_dir, "model"), overwrite: true);
    }

    [Theory]
    [InlineData(0, "old"), InlineData(1, "old"), InlineData(2, "new"), InlineData(3, "new"), InlineData(4, "new")]
    public void Recover_AfterACrashAtAnyStep_LeavesOneWholeGeneration(int stepsDone, string expected)
    {
        Interrupted(stepsDone);
        AtomicFileSet.Recover(_dir, Names);
        Assert.Equal($"state {expected}", Read("state"));
        Assert.Equal($"model {expected}", Read("model"));
        Assert.Equal(["model", "state"], Listing());
    }

    [Fact]
    public void Write_AfterAnInterruptedCommit_SettlesItFirst_SoANewCrashCannotMixThem()
    {
        // Stopped after renaming state: the staged model is the commit mark. A new commit that only
        // overwrote its own staged files and then crashed after staging state would leave the old mark
        // beside a newer state, and recovery would pair them.
        Interrupted(3);
        Commit("newer");
        Assert.Equal("state newer", Read("state"));
        Assert.Equal("model newer", Read("model"));
        Assert.Equal(["model", "state"], Listing());
    }

    [Fact]
    public void Write_OnAFullDisk_FailsNamingTheFile_AndKeepsTheOldSet()
    {
        Commit("old");
        var full = Assert.Throws<OutputWriteException>(() => AtomicFileSet.Write(_dir,
        [
            ("state", s => s.Write(Encoding.UTF8.GetBytes("state new"))),
            ("model", _ => throw new IOException("No space left on device", FaultInjection.NoSpaceLeftOnDevice)),
        ]));
        Assert.Contains(".model.next", full.Message);
        Assert.Contains("No space left on device", full.Message);
        Assert.Equal("state old", Read("state"));
        Assert.Equal("model old", Read("model"));
        Assert.Equal(["model", "state"], Listing());
    }
}
