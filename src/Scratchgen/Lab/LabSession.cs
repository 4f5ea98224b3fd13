using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Lab;

/// <summary>
/// A live lab session: a <see cref="LabGan"/> on one toy data set that is stepped one lab step at a time
/// (<see cref="LabSettings.DSteps"/> D updates, then one G update), with knobs that change between steps
/// (<see cref="Apply"/>), a log of every change (<see cref="Log"/>), the loss history, the collapse
/// warnings of <see cref="CollapseDetector"/>, and a snapshot for the page (<see cref="Frame"/>). Not
/// thread-safe: one thread (<see cref="LabRunner"/>) owns it. Deterministic: the same settings, seed and
/// changes at the same steps train the same networks.
/// </summary>
internal sealed class LabSession
{
    /// <summary>Side of D's decision-surface grid.</summary>
    public const int GridSide = 32;

    /// <summary>Fixed-noise points drawn (with arrows) and real points drawn.</summary>
    public const int Shown = 300;

    /// <summary>Fixed-noise points the mode metrics are measured on.</summary>
    public const int Evaluated = 1000;

    /// <summary>Steps between two measurements of the mode metrics and spread checks of the collapse detector.</summary>
    public const int SpreadEvery = 50;

    private const int MaxHistory = 600;

    private readonly IBackend _backend;
    private readonly DateTime _started = DateTime.UtcNow;
    private LabGan _gan = null!;
    private Rng _rng = null!;
    private Tensor _noise = null!, _grid = null!;
    private float[] _real = [];
    private double _realSpread;
    private CollapseDetector _detector = null!;
    private readonly List<(long Step, double D, double G)> _history = [];
    private readonly List<(long Step, string Text)> _warnings = [];
    private int _historyStride = 1, _rebuilds;
    private double _lastD = double.NaN, _lastG = double.NaN;
    private ModeReport _metrics = null!;
    private long _metricsStep;

    /// <summary>A session with these settings, its weights drawn from their seed.</summary>
    public LabSession(LabSettings settings, IBackend? backend = null)
    {
        _backend = backend ?? Backend.Default;
        Settings = settings;
        Log = new LabChangeLog(settings);
        Restart();
    }

    /// <summary>The knobs as they stand.</summary>
    public LabSettings Settings { get; private set; }

    /// <summary>Steps done since the start or the last reset.</summary>
    public long Step { get; private set; }

    /// <summary>Every change made so far.</summary>
    public LabChangeLog Log { get; }

    /// <summary>The networks (for tests and traces).</summary>
    public LabGan Gan => _gan;

    /// <summary>The trace of the last traced step, or null.</summary>
    public LabTrace? LastTrace { get; private set; }

    /// <summary>Collapse warnings so far, with the step each fired at.</summary>
    public IReadOnlyList<(long Step, string Text)> Warnings => _warnings;

    /// <summary>Applies a validated change before the next step and logs it. Widths rebuild that network
    /// (fresh weights); a data change redraws the real points; a reset starts over with its seed.</summary>
    public void Apply(LabChange change)
    {
        var before = Settings;
        Settings = LabControl.Apply(Settings, change);
        Log.Add(new LabLogEntry(Step, change.Field, change.Value, (DateTime.UtcNow - _started).TotalSeconds));
        switch (change.Field)
        {
            case "reset": Restart(); break;
            case "data" or "drawn": NewData(); break;
            case "g_width" when before.GWidth != Settings.GWidth: _gan.RebuildG(Settings.GWidth, Settings.Seed * 2 + 1 + 1000UL * (ulong)++_rebuilds); break;
            case "d_width" when before.DWidth != Settings.DWidth: _gan.RebuildD(Settings.DWidth, Settings.Seed * 2 + 2 + 1000UL * (ulong)++_rebuilds); break;
        }
        _metricsStep = -1; // a paused frame measures the changed session afresh
    }

    private void Restart()
    {
        var s = Settings;
        _gan = new LabGan(s.GWidth, s.DWidth, s.LrG, s.LrD, s.Seed, _backend);
        _rng = new Rng(s.Seed + 2000);
        _noise = _gan.Noise(Evaluated, new Rng(s.Seed + 3000));
        Step = 0;
        _rebuilds = 0;
        _history.Clear();
        _historyStride = 1;
        _warnings.Clear();
        (_lastD, _lastG) = (double.NaN, double.NaN);
        LastTrace = null;
        NewData();
    }

    private void NewData()
    {
        var data = Settings.Distribution;
        _real = data.Sample(Shown, new Rng(Settings.Seed + 1000));
        _realSpread = CollapseDetector.MeanPairwiseDistance(_real, 2);
        _grid = _gan.Points(LabPanel.GridPoints(GridSide, data.Extent));
        _detector = new CollapseDetector(new CollapseThresholds(WarmupSteps: 200));
        Measure();
    }

    // The mode metrics on all the fixed-noise points; returns the shown ones' spread for the detector.
    private double Measure()
    {
        var all = _gan.Generate(_noise);
        _metrics = ModeCoverage.Measure(all, Settings.Distribution);
        _metricsStep = Step;
        return CollapseDetector.MeanPairwiseDistance(all.AsSpan(0, 2 * Shown), 2);
    }

    /// <summary>One lab step: D updates then a G update, with the knobs as they stand. With
    /// <paramref name="trace"/> the engine's forward ops and backward steps are recorded (<see cref="LastTrace"/>).</summary>
    public void Advance(bool trace = false)
    {
        var s = Settings;
        var data = s.Distribution;
        using var recorder = trace ? BackpropTrace.Start() : null;
        double lossD = 0;
        for (int k = 0; k < s.DSteps; k++)
            lossD = _gan.DiscriminatorStep(_gan.Points(data.Sample(s.BatchSize, _rng)), _rng, s.Loss, s.LrD);
        double lossG = _gan.GeneratorStep(s.BatchSize, _rng, s.Loss, s.LrG);
        Step++;
        if (recorder != null) LastTrace = LabTrace.From(Step, recorder.Segments, s.DSteps);
        (_lastD, _lastG) = (lossD, lossG);
        Record(lossD, lossG);

        // WGAN's critic loss is no probability: the "D wins outright" check reads BCE losses only.
        var losses = s.Loss == LabLoss.WganGp ? new Dictionary<string, double> { ["loss_critic"] = lossD } : new Dictionary<string, double> { ["loss_d"] = lossD };
        if (_detector.ObserveLosses(Step, losses) is string w) _warnings.Add((Step, w));
        if (!double.IsFinite(lossD) || !double.IsFinite(lossG))
            if (_warnings.Count == 0 || !_warnings[^1].Text.Contains("not finite", StringComparison.Ordinal))
                _warnings.Add((Step, $"step {Step}: a loss is not finite (D {lossD:G3}, G {lossG:G3}): the optimizers skip such steps; lower the learning rates or reset."));
        if (Step % SpreadEvery == 0 && _detector.ObserveSpread(Step, Measure(), _realSpread) is string c) _warnings.Add((Step, c));
    }

    private void Record(double d, double g)
    {
        if (Step % _historyStride != 0) return;
        _history.Add((Step, d, g));
        if (_history.Count <= MaxHistory) return;
        // Keep the whole run in a bounded list: every other point goes, and later points come half as often.
        for (int i = _history.Count - 1; i >= 0; i--)
            if (i % 2 == 1) _history.RemoveAt(i);
        _historyStride *= 2;
    }

    /// <summary>The picture of the session now: real points, G's points for fixed noise with the direction
    /// G's next update moves each, D's surface, the losses so far, warnings and the log, and the mode metrics
    /// as last measured (every <see cref="SpreadEvery"/> steps, or now when paused: a frame is cheap to build
    /// because the metrics' 1,000-point forward pass is not part of it while playing).</summary>
    public LabFrame Frame(bool playing, double stepsPerSecond)
    {
        var s = Settings;
        var data = s.Distribution;
        if (!playing && _metricsStep != Step) Measure();
        var shown = _gan.Generate(_noise.Slice(0, 0, Shown));
        return new LabFrame(
            Step, playing, s, data.Extent, _real, shown, _gan.PointGradients(shown, s.Loss),
            GridSide, _gan.Surface(_grid, s.Loss), s.Loss == LabLoss.WganGp ? "critic score, min-max scaled" : "P(real)",
            [.. _history], _lastD, _lastG, _metrics, _metricsStep, [.. _warnings], Log.Entries,
            LastTrace?.Step ?? 0, stepsPerSecond);
    }
}
