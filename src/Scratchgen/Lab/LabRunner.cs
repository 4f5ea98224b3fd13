using System.Collections.Concurrent;
using System.Diagnostics;

namespace Scratchgen.Lab;

/// <summary>
/// Runs a <see cref="LabSession"/> on a background thread: plays (steps as fast as the engine goes),
/// pauses, single-steps, and applies validated changes between steps, in the order they arrived. Other
/// threads (the web server) only enqueue commands and read the latest <see cref="LabFrame"/>, which is
/// rebuilt at most every <see cref="FrameInterval"/> while playing and after every command.
/// With a replay log, each logged change is applied when the step count reaches its step.
/// </summary>
internal sealed class LabRunner : IDisposable
{
    /// <summary>Least time between two frames while playing (at most 30 frames per second; a frame costs about
    /// as much as one step, so more would slow training more than it shows).</summary>
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(33);

    /// <summary>While playing, one step in this many is traced for the "what is happening" panel.</summary>
    public const int TraceEvery = 50;

    private readonly LabSession _session;
    private readonly ConcurrentQueue<(Action Run, ManualResetEventSlim Done)> _commands = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Queue<LabLogEntry> _replay;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private volatile LabFrame _frame;
    private long _version;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _playing;
    private int _pendingSteps;
    private double _rate;
    private Exception? _failure;

    /// <summary>Starts the thread; the session starts paused unless <paramref name="play"/>.</summary>
    public LabRunner(LabSession session, IEnumerable<LabLogEntry>? replay = null, bool play = false)
    {
        _session = session;
        _replay = new Queue<LabLogEntry>(replay ?? []);
        _playing = play;
        _frame = session.Frame(play, 0);
        _thread = new Thread(Loop) { IsBackground = true, Name = "scratchgen-lab" };
        _thread.Start();
    }

    /// <summary>The latest snapshot.</summary>
    public LabFrame Frame => _frame;

    /// <summary>Counts published frames: a page that has frame N asks for a newer one.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The latest frame once it is newer than <paramref name="after"/>, or the latest after
    /// <paramref name="timeout"/> (a page waits here instead of fetching the same frame again).</summary>
    public async Task<(LabFrame Frame, long Version)> NextFrameAsync(long after, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Version <= after && DateTime.UtcNow < deadline && !cancel.IsCancellationRequested)
        {
            var published = Volatile.Read(ref _published).Task;
            if (Version > after) break;
            try { await published.WaitAsync(deadline - DateTime.UtcNow, cancel); }
            catch (TimeoutException) { break; }
            catch (OperationCanceledException) { break; }
        }
        long version = Version;
        return (_frame, version);
    }

    /// <summary>The trace of the last traced step (read from the runner's thread's last publication).</summary>
    public LabTrace? Trace { get; private set; }

    /// <summary>The session's change log as JSON.</summary>
    public string LogJson => _session.Log.ToJson();

    /// <summary>What stopped the loop, if it failed (a bug); the page shows it.</summary>
    public Exception? Failure => _failure;

    /// <summary>Keeps stepping until paused.</summary>
    public void Play() => Enqueue(() => _playing = true);

    /// <summary>Stops stepping after the current step.</summary>
    public void Pause() => Enqueue(() => _playing = false);

    /// <summary>Pauses and runs exactly one step (traced).</summary>
    public void SingleStep() => Enqueue(() => { _playing = false; _pendingSteps++; });

    /// <summary>Queues a validated change for the next step.</summary>
    public void Change(LabChange change) => Enqueue(() => _session.Apply(change));

    /// <summary>Runs a command on the runner's thread and waits until it ran and a frame shows it (a single
    /// step: until the step ran).</summary>
    private void Enqueue(Action command)
    {
        var done = new ManualResetEventSlim(); // not disposed: a late Set after a timed-out wait must not throw
        _commands.Enqueue((command, done));
        _wake.Release();
        done.Wait(TimeSpan.FromSeconds(30));
    }

    private void Loop()
    {
        var clock = Stopwatch.StartNew();
        var lastFrame = TimeSpan.Zero;
        var rateWindow = (Steps: 0L, At: TimeSpan.Zero);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var answered = new List<ManualResetEventSlim>();
                while (_commands.TryDequeue(out var command))
                {
                    answered.Add(command.Done);
                    command.Run();
                }
                bool changed = answered.Count > 0;
                while (_replay.Count > 0 && _replay.Peek().Step == _session.Step)
                {
                    var e = _replay.Dequeue();
                    _session.Apply(new LabChange(e.Field, e.Value));
                    changed = true;
                }
                bool single = _pendingSteps > 0;
                if (_playing || single)
                {
                    if (single) _pendingSteps--;
                    _session.Advance(trace: single || (_session.Step + 1) % TraceEvery == 0);
                    rateWindow.Steps++;
                }
                var now = clock.Elapsed;
                if (now - rateWindow.At >= TimeSpan.FromSeconds(1))
                {
                    _rate = _playing ? rateWindow.Steps / (now - rateWindow.At).TotalSeconds : 0;
                    rateWindow = (0, now);
                }
                if (changed || single || (_playing && now - lastFrame >= FrameInterval))
                {
                    Trace = _session.LastTrace;
                    _frame = _session.Frame(_playing, _rate);
                    Interlocked.Increment(ref _version);
                    Interlocked.Exchange(ref _published, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    lastFrame = now;
                }
                foreach (var done in answered) done.Set();
                if (!_playing && _pendingSteps == 0 && _commands.IsEmpty) _wake.Wait(TimeSpan.FromMilliseconds(200));
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    /// <summary>Stops the thread (after its current step) and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _wake.Release();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
