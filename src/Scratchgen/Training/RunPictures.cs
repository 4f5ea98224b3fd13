using System.Security.Cryptography;
using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// The pictures a run leaves in its folder:
/// <list type="bullet">
/// <item>samples_epoch_NNN.png each epoch, from the same fixed noise (and, for conditional models, one
/// digit per column), and training.gif animating them;</item>
/// <item>reconstructions_epoch_NNN.png for models with an encoder: held-out originals above their reconstructions;</item>
/// <item>loss_curves.png: every training loss per step (smoothed) and held-out losses per epoch;</item>
/// <item>interpolation.png: decoded straight lines between latent codes (encoded test images, or noise for GANs);</item>
/// <item>latent_manifold.png for a VAE with a 2-D latent: the decoder over a grid of codes.</item>
/// </list>
/// Every file carries provenance (synthetic, model, seed, checkpoint hash) in its metadata.
/// </summary>
public sealed class RunPictures
{
    private const int SampleCount = 100, Columns = 10, OriginalCount = 10, InterpolationRows = 8, InterpolationSteps = 10;
    private readonly string _dir;
    private readonly GenerativeModel _model;
    private readonly Tensor _noise;
    private readonly int[]? _labels;
    private readonly Batch _originals;
    private readonly ulong _seed;
    private readonly List<CompressedRaster> _frames = []; // the GIF's frames, one per epoch
    private readonly Dictionary<string, List<double>> _stepLosses = [];
    private readonly List<string> _written = [];
    private string _checkpointHash = "";

    /// <summary>Pictures for the model's run in folder <paramref name="dir"/>: fixed noise and held-out originals from <paramref name="test"/> are drawn once from <paramref name="seed"/> so that every epoch's pictures compare.</summary>
    public RunPictures(string dir, GenerativeModel model, Dataset test, ulong seed)
    {
        _dir = dir;
        _model = model;
        _seed = seed;
        _noise = model.SampleLatent(SampleCount, new Rng(seed + 7));
        if (model.IsConditional) _labels = Enumerable.Range(0, SampleCount).Select(i => i % Math.Min(Columns, model.Options.Classes)).ToArray();
        var it = new BatchIterator(test, Math.Min(OriginalCount, test.Count), new Rng(0), model.Options.Backend,
            scaleToSymmetric: model.Range == PixelRange.MinusOneToOne, shuffle: false);
        _originals = it.Next();
    }

    /// <summary>Paths written so far, in order.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>Adds one training step's losses to the loss curves.</summary>
    public void RecordStep(IReadOnlyDictionary<string, double> losses)
    {
        foreach (var (k, v) in losses)
        {
            if (!_stepLosses.TryGetValue(k, out var list)) _stepLosses[k] = list = [];
            list.Add(v);
        }
    }

    /// <summary>Sample grid (and reconstructions) for an epoch; call after the epoch's checkpoint is saved.</summary>
    public void WriteEpoch(EpochResult result, string checkpointFile)
    {
        _checkpointHash = File.Exists(checkpointFile) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(checkpointFile))) : "";
        var samples = Generate(() => _model.Decode(_noise, _labels));
        var grid = SampleGrid.Render(samples, _model.Range, Columns, scale: 2);
        _frames.Add(new CompressedRaster(grid));
        Save(grid, $"samples_epoch_{result.Epoch:D3}.png", result.Epoch);
        if (_model.HasEncoder)
        {
            var recon = Generate(() => _model.Reconstruct(_originals.Images, _originals.Labels));
            Save(Strips.Reconstructions(_originals.Images, recon, _model.Range, scale: 2), $"reconstructions_epoch_{result.Epoch:D3}.png", result.Epoch);
        }
    }

    /// <summary>The GIF, loss curves, interpolation strip and (2-D VAE) latent manifold at the end of a run.</summary>
    public void WriteFinal(IReadOnlyList<EpochResult> results)
    {
        if (results.Count == 0) return;
        int lastEpoch = results[^1].Epoch;
        string gif = Path.Combine(_dir, "training.gif");
        ImageFiles.SaveGif(_frames.Select(f => f.Expand()).ToList(), gif, Provenance(lastEpoch), frameDelayMs: 600);
        _written.Add(gif);

        var series = new List<(string Name, IReadOnlyList<double> Values)>();
        foreach (var (k, v) in _stepLosses) series.Add(($"train {k} (per step)", Smooth(v, 20)));
        string curves = Path.Combine(_dir, "loss_curves.png");
        LossChart.SavePng(series, curves, Extra(lastEpoch), title: $"{_model.Kind}: training losses");
        _written.Add(curves);

        Save(Strips.Interpolation(Generate(Interpolations), InterpolationSteps, _model.Range, scale: 2), "interpolation.png", lastEpoch);
        if (_model is Vae && _model.Options.LatentDim == 2 && !_model.IsConditional)
            Save(SampleGrid.Render(Generate(() => _model.Decode(ManifoldCodes(15))), _model.Range, 15, padding: 0, scale: 2), "latent_manifold.png", lastEpoch);
    }

    // Rows of straight lines in latent space: between encoded held-out images, or between noise vectors.
    private Tensor Interpolations()
    {
        var rng = new Rng(_seed + 11);
        int rows = InterpolationRows;
        int[]? labels = _model.IsConditional ? Enumerable.Range(0, rows).Select(r => r % _model.Options.Classes).ToArray() : null;
        Tensor z0, z1;
        if (_model.HasEncoder && _originals.Size >= 2)
        {
            var codes = _model.Encode(_originals.Images, _originals.Labels);
            int n = _originals.Size;
            var from = Enumerable.Range(0, rows).Select(r => r % n).ToArray();
            var to = Enumerable.Range(0, rows).Select(r => (r + 1) % n).ToArray();
            z0 = Ops.TensorShape.IndexSelect(codes, 0, from);
            z1 = Ops.TensorShape.IndexSelect(codes, 0, to);
            if (labels != null) labels = from.Select(i => _originals.Labels[i]).ToArray();
        }
        else
        {
            z0 = _model.SampleLatent(rows, rng);
            z1 = _model.SampleLatent(rows, rng);
        }
        var path = Strips.InterpolateLatents(z0, z1, InterpolationSteps, spherical: !_model.HasEncoder);
        return _model.Decode(path, labels?.SelectMany(l => Enumerable.Repeat(l, InterpolationSteps)).ToArray());
    }

    // A side x side grid of 2-D codes from -2.5 to 2.5 on each axis.
    private Tensor ManifoldCodes(int side)
    {
        var codes = new float[side * side * 2];
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
            {
                codes[(r * side + c) * 2] = (float)(-2.5 + 5.0 * c / (side - 1));
                codes[(r * side + c) * 2 + 1] = (float)(2.5 - 5.0 * r / (side - 1));
            }
        return Tensor.FromArray(codes, [side * side, 2], _model.Options.Backend);
    }

    // Runs the model in evaluation mode without recording.
    private Tensor Generate(Func<Tensor> f)
    {
        _model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            return f();
        }
        finally { _model.Train(); }
    }

    private void Save(Raster raster, string name, int epoch)
    {
        string path = Path.Combine(_dir, name);
        ImageFiles.SavePng(raster, path, Provenance(epoch));
        _written.Add(path);
    }

    private Provenance Provenance(int epoch) => Scratchgen.Imaging.Provenance.Generated(Extra(epoch));

    private Dictionary<string, string> Extra(int epoch) => new()
    {
        ["Model"] = _model.Kind,
        ["Seed"] = _seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Epoch"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Checkpoint-SHA256"] = _checkpointHash,
    };

    // Moving average over a window, so noisy per-step losses read as a curve.
    private static List<double> Smooth(List<double> values, int window)
    {
        var result = new List<double>(values.Count);
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result.Add(sum / Math.Min(i + 1, window));
        }
        return result;
    }
}
