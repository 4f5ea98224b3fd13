using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Training;

namespace Scratchgen.Fuzz;

/// <summary>
/// The parsers that read files a user (or an attacker) hands us, each as a fuzz target: bytes in, and
/// either a result or one of our typed refusals out. Anything else (an IndexOutOfRangeException, an
/// OutOfMemoryException, a hang) is a bug. Shared by the SharpFuzz/AFL harness (Program.cs) and by the
/// corpus replay test in Scratchgen.Tests, which runs every saved input in CI.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<string> Names = ["idx", "safetensors", "checkpoint", "image", "provenance"];

    /// <summary>Runs target <paramref name="name"/> on <paramref name="input"/>. Returns true when the
    /// input was accepted, false when it was refused with a typed error; throws on a bug.</summary>
    public static bool Run(string name, byte[] input)
    {
        try
        {
            switch (name)
            {
                case "idx":
                    using (var s = new MemoryStream(input, writable: false)) IdxReader.Read(s, "fuzz.idx");
                    break;
                case "safetensors":
                    using (var s = new MemoryStream(input, writable: false))
                    {
                        var file = SafeTensors.Read(s, "fuzz.safetensors");
                        foreach (var entry in file.Tensors.Values)
                            if (entry.DType == SafeTensorDType.F32) entry.ToFloat32(); // what loading a checkpoint does next
                    }
                    break;
                case "checkpoint":
                    // A model file as `sample` loads it: parsed, its metadata checked, the model built, its weights copied in.
                    using (var s = new MemoryStream(input, writable: false))
                        Checkpoint.ModelFrom(SafeTensors.Read(s, "fuzz/model.safetensors"));
                    break;
                case "image":
                    SafeImageDecoder.Decode(input, "fuzz.img", channels: 1, width: 28, height: 28);
                    break;
                case "provenance":
                    ImageProvenance.Read(input, "fuzz.png");
                    break;
                default:
                    throw new ArgumentException($"unknown fuzz target '{name}': expected one of {string.Join(", ", Names)}");
            }
            return true;
        }
        catch (DataFormatException)
        {
            return false;
        }
        catch (CheckpointFormatException)
        {
            return false;
        }
    }
}
