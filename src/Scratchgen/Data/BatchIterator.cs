using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Data;

/// <summary>Minibatches over a <see cref="Dataset"/>: a fresh permutation per epoch drawn from the Rng
/// it is given (and then owns: pass <c>rng.Split()</c> of the run's generator), batches as float32
/// tensors [B, C, H, W] on a chosen backend, optionally scaled from [0, 1] to [-1, 1].
/// The order is a pure function of the seed, and <see cref="ExportState"/>/<see cref="ImportState"/>
/// capture (epoch, position, permutation, Rng state) so a resumed run sees the same batches.
/// An epoch that is used up moves on to the next (drawing its permutation) when the next batch is asked for.</summary>
public sealed class BatchIterator
{
    private readonly Dataset _data;
    private readonly Rng _rng;
    private readonly IBackend? _backend;
    private int[] _permutation;
    private float[] _staging = [];

    /// <summary>Batches of <paramref name="batchSize"/> images from <paramref name="data"/>, shuffled each epoch with <paramref name="rng"/> unless <paramref name="shuffle"/> is false, uploaded to <paramref name="backend"/> (the default backend when null).</summary>
    public BatchIterator(Dataset data, int batchSize, Rng rng, IBackend? backend = null,
        bool scaleToSymmetric = false, bool shuffle = true, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (dropLast && batchSize > data.Count)
            throw new ArgumentException($"batch size {batchSize} with dropLast leaves no batch in '{data.Name}' ({data.Count} images)");
        _data = data;
        _rng = rng;
        _backend = backend;
        BatchSize = batchSize;
        ScaleToSymmetric = scaleToSymmetric;
        Shuffle = shuffle;
        DropLast = dropLast;
        _permutation = DrawPermutation();
    }

    /// <summary>The dataset the batches come from.</summary>
    public Dataset Data => _data;

    /// <summary>Images per batch (the last one of an epoch may hold fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>True: images are scaled to [-1, 1] (x * 2 - 1), as tanh generators want.</summary>
    public bool ScaleToSymmetric { get; }

    /// <summary>True: each epoch visits the images in a new random order; false: in dataset order.</summary>
    public bool Shuffle { get; }

    /// <summary>True: a last batch smaller than BatchSize is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The current epoch, counted from 0.</summary>
    public int Epoch { get; private set; }

    /// <summary>Index into this epoch's permutation of the next image.</summary>
    public int Position { get; private set; }

    /// <summary>Batches in one epoch: Count / BatchSize, rounded up unless <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Where this epoch's batches end (the last partial batch is dropped when DropLast).</summary>
    private int EpochEnd => DropLast ? _data.Count / BatchSize * BatchSize : _data.Count;

    /// <summary>True when the current epoch has no batch left.</summary>
    public bool IsEpochDone => Position >= EpochEnd;

    /// <summary>The next batch, moving to the next epoch first if this one is used up.</summary>
    public Batch Next()
    {
        if (IsEpochDone) StartNextEpoch();
        int count = Math.Min(BatchSize, EpochEnd - Position);
        var indices = _permutation.AsSpan(Position, count).ToArray();
        Position += count;
        return MakeBatch(indices);
    }

    /// <summary>The remaining batches of the current epoch (all of the next one if this one is used up).
    /// Breaking out early leaves the iterator at the next unread batch.</summary>
    public IEnumerable<Batch> EpochBatches()
    {
        if (IsEpochDone) StartNextEpoch();
        int epoch = Epoch;
        while (Epoch == epoch && !IsEpochDone) yield return Next();
    }

    /// <summary>Images and labels for explicit dataset indices (e.g. a fixed set to reconstruct each epoch).</summary>
    public Batch MakeBatch(int[] indices)
    {
        int size = _data.ImageSize;
        // The images are gathered into a staging array this iterator reuses, then copied into the
        // backend's pooled memory (UploadCopy): a warm training loop allocates no batch arrays.
        if (_staging.Length < indices.Length * size) _staging = GC.AllocateUninitializedArray<float>(indices.Length * size);
        var values = _staging.AsSpan(0, indices.Length * size); // every element is written below
        var labels = new int[indices.Length];
        var all = _data.Images;
        for (int b = 0; b < indices.Length; b++)
        {
            int i = indices[b];
            if ((uint)i >= (uint)_data.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"index {i} is outside dataset '{_data.Name}' of {_data.Count} images");
            all.Slice(i * size, size).CopyTo(values.Slice(b * size, size));
            labels[b] = _data.Labels[i];
        }
        if (ScaleToSymmetric) ToSymmetric(values);
        var images = Tensor.FromArray(values, [indices.Length, _data.Channels, _data.Height, _data.Width], _backend);
        return new Batch(images, labels, indices);
    }

    // v -> 2v - 1 ([0, 1] pixels to [-1, 1]), 8 lanes at a time; the same formula on the tail.
    private static void ToSymmetric(Span<float> values)
    {
        var two = Vector256.Create(2f);
        int k = 0;
        for (; k <= values.Length - 8; k += 8)
            (Vector256.Create(values.Slice(k, 8)) * two - Vector256<float>.One).CopyTo(values.Slice(k, 8));
        for (; k < values.Length; k++) values[k] = values[k] * 2f - 1f;
    }

    /// <summary>The epoch, position, permutation and random state, for a checkpoint; <see cref="ImportState"/> continues exactly from it.</summary>
    public BatchIteratorState ExportState() => new(Epoch, Position, (int[])_permutation.Clone(), _rng.GetState());

    /// <summary>Restores a state exported from an iterator over a dataset of the same size.</summary>
    public void ImportState(BatchIteratorState state)
    {
        int n = _data.Count;
        if (state.Permutation.Length != n)
            throw new ArgumentException($"iterator state holds a permutation of {state.Permutation.Length} images, dataset '{_data.Name}' has {n}");
        var seen = new bool[n];
        foreach (int p in state.Permutation)
        {
            if ((uint)p >= (uint)n || seen[p]) throw new ArgumentException($"iterator state: the permutation is not a permutation of 0..{n - 1} (entry {p})");
            seen[p] = true;
        }
        if (state.Epoch < 0 || state.Position < 0 || state.Position > n)
            throw new ArgumentException($"iterator state: epoch {state.Epoch}, position {state.Position} out of range for {n} images");
        _rng.SetState(state.RngState);
        _permutation = (int[])state.Permutation.Clone();
        Epoch = state.Epoch;
        Position = state.Position;
    }

    private void StartNextEpoch()
    {
        Epoch++;
        Position = 0;
        _permutation = DrawPermutation();
    }

    private int[] DrawPermutation()
    {
        var p = new int[_data.Count];
        for (int i = 0; i < p.Length; i++) p[i] = i;
        if (Shuffle) _rng.Shuffle(p.AsSpan());
        return p;
    }
}
