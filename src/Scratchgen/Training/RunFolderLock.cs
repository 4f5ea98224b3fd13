using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Scratchgen.Training;

/// <summary>
/// One training run per output folder. The run holds a lock file in the folder, created exclusively,
/// that names its owner (host, pid, process start time, command line). A second run into the folder is
/// refused at once with <see cref="RunFolderInUseException"/> naming the first. A lock whose owner is
/// gone (killed with -9, the machine restarted: no such pid, or a pid reused by a process started at
/// another time) is stale: it is taken over, and the caller told.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string FileName = ".scratchgen-run.lock";

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);
    private readonly string _path;
    private bool _released;

    private RunFolderLock(string path) => _path = path;

    /// <summary>Takes the lock of <paramref name="dir"/> (created if missing). <paramref name="note"/> is
    /// told when a stale lock was taken over.</summary>
    public static RunFolderLock Acquire(string dir, Action<string>? note = null)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, FileName);
        // Twice at most: a stale lock is deleted and the exclusive create tried again (a rival that
        // wins that race owns the folder, and the second try names it).
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                    stream.Write(Encoding.UTF8.GetBytes(LockOwner.Current().ToText()));
                return new RunFolderLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                var owner = LockOwner.Read(path);
                if (attempt > 0 || owner.IsAlive()) throw new RunFolderInUseException(dir, path, owner);
                File.Delete(path);
                note?.Invoke($"{dir}: took over the lock of a run that is no longer running ({owner.Describe()})");
            }
        }
    }

    /// <summary>Deletes the lock file.</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try { File.Delete(_path); }
        catch (IOException) { } // the folder went away: nothing left to unlock
    }

    /// <summary>Who holds a lock: what the lock file says.</summary>
    /// <param name="Host">The machine name.</param>
    /// <param name="Pid">The process id (0 when the file could not be read).</param>
    /// <param name="StartTicks">The process start time, UTC ticks: tells a reused pid apart.</param>
    /// <param name="Command">The command line.</param>
    public sealed record LockOwner(string Host, int Pid, long StartTicks, string Command)
    {
        /// <summary>This process, as it would write itself into a lock file.</summary>
        public static LockOwner Current()
        {
            using var self = Process.GetCurrentProcess();
            return new(Environment.MachineName, Environment.ProcessId, self.StartTime.ToUniversalTime().Ticks, Environment.CommandLine);
        }

        /// <summary>The lock file's contents: host, pid, start time and command line, one key=value per line.</summary>
        public string ToText() => $"host={Host}\npid={Pid.ToString(Ci)}\nstart={StartTicks.ToString(Ci)}\ncommand={Command.ReplaceLineEndings(" ")}\n";

        /// <summary>Reads a lock file; one that cannot be read (cut short by a crash) reads as pid 0, not alive.</summary>
        public static LockOwner Read(string path)
        {
            string text;
            try { text = File.ReadAllText(path); }
            catch (IOException) { text = ""; }
            var fields = text.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            return new(fields.GetValueOrDefault("host", ""), int.TryParse(fields.GetValueOrDefault("pid"), NumberStyles.None, Ci, out int pid) ? pid : 0,
                long.TryParse(fields.GetValueOrDefault("start"), NumberStyles.None, Ci, out long start) ? start : 0, fields.GetValueOrDefault("command", "?"));
        }

        /// <summary>False when the owner is known to be gone. An owner on another host cannot be checked and counts as alive.</summary>
        public bool IsAlive()
        {
            if (Pid <= 0) return false;
            if (Host != Environment.MachineName) return true;
            try
            {
                using var process = Process.GetProcessById(Pid);
                // The start time is derived from the boot time, which .NET recomputes on each call: the same
                // process reads differently by milliseconds, a reused pid by far more.
                return !process.HasExited && Math.Abs(process.StartTime.ToUniversalTime().Ticks - StartTicks) < StartTimeTolerance.Ticks;
            }
            catch (ArgumentException) { return false; } // no such process
            catch (InvalidOperationException) { return false; } // it exited while we looked
        }

        /// <summary>The owner in words, for messages.</summary>
        public string Describe() => $"pid {Pid} on {Host}, started {Started}: {Command}";

        private string Started => StartTicks > 0 && StartTicks <= DateTime.MaxValue.Ticks
            ? new DateTime(StartTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss", Ci) + " UTC" : "at an unknown time";
    }
}
