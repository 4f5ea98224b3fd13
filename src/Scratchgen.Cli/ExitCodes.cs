using Scratchgen.Autograd;
using Scratchgen.Checkpoints;
using Scratchgen.Tensors;
using Scratchgen.Training;
using Spectre.Console.Cli;

namespace Scratchgen.Cli;

/// <summary>Distinct exit codes, so scripts can tell a bad option from a failed check from a bug.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A check the command ran did not pass (a gradient check, a demo that did not learn).</summary>
    public const int CheckFailed = 1;
    /// <summary>The command line was wrong: unknown verb or option, a value out of range, a backend this
    /// machine cannot run, an option that contradicts the checkpoint resumed, an output folder in use.</summary>
    public const int BadArguments = 2;
    /// <summary>An input (checkpoint, data file, image, classifier weights) was refused: the message names the file and the problem.</summary>
    public const int BadInput = 3;
    /// <summary>Training failed numerically: NaN or infinity it could not recover from, or too many skipped steps (the message says where).</summary>
    public const int NumericFailure = 4;
    /// <summary>Memory ran out (host or device): the message gives the bytes asked for and a hint.</summary>
    public const int OutOfMemory = 5;
    /// <summary>An output could not be written (a full disk, a read-only folder): the message names the file; what was saved before is intact.</summary>
    public const int WriteFailed = 6;
    /// <summary>Training was interrupted (Ctrl+C or SIGTERM) after saving a checkpoint: 128 + SIGINT.</summary>
    public const int Interrupted = 130;
    /// <summary>Anything else: a bug. The stack trace is printed, with a request to report it.</summary>
    public const int InternalError = 70;

    /// <summary>What the user is told: the exception's message, with a hint where the runtime gave none.</summary>
    public static string Describe(Exception ex) => ex is OutOfMemoryException
        ? "out of memory: the .NET runtime could not allocate what this step needs. A smaller batch size (--batch-size) or a smaller model needs less."
        : ex.Message;

    public static int Classify(Exception ex) => ex switch
    {
        CommandParseException or CommandRuntimeException or ArgumentException and not ShapeException => BadArguments,
        Scratchgen.Backends.DeviceUnavailableException or RunFolderInUseException => BadArguments,
        OutputWriteException => WriteFailed,
        CheckpointFormatException or Scratchgen.Data.DataFormatException or ShapeException or InvalidDataException => BadInput,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => BadInput,
        GradCheckException => CheckFailed,
        NonFiniteException => NumericFailure,
        DeviceOutOfMemoryException or OutOfMemoryException => OutOfMemory,
        _ => InternalError,
    };
}
