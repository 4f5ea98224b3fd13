using Scratchgen.Autograd;
using Scratchgen.Tensors;
using Spectre.Console.Cli;

namespace Scratchgen.Cli;

/// <summary>Distinct exit codes, so scripts can tell a bad option from a failed check from a bug.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A check the command ran did not pass (a gradient check, a demo that did not learn).</summary>
    public const int CheckFailed = 1;
    /// <summary>The command line was wrong: unknown verb or option, a value out of range, a backend this machine cannot run.</summary>
    public const int BadArguments = 2;
    /// <summary>An input (file, tensor shape) was refused.</summary>
    public const int BadInput = 3;
    /// <summary>Training met NaN or infinity it could not recover from (the message says where).</summary>
    public const int NumericFailure = 4;
    /// <summary>Memory ran out (host or device): the message gives the bytes asked for and a hint.</summary>
    public const int OutOfMemory = 5;
    /// <summary>Training was interrupted (Ctrl+C or SIGTERM) after saving a checkpoint: 128 + SIGINT.</summary>
    public const int Interrupted = 130;
    /// <summary>Anything else: a bug. The stack trace is printed.</summary>
    public const int InternalError = 70;

    /// <summary>What the user is told: the exception's message, with a hint where the runtime gave none.</summary>
    public static string Describe(Exception ex) => ex is OutOfMemoryException
        ? "out of memory: the .NET runtime could not allocate what this step needs. A smaller batch size (--batch-size) or a smaller model needs less."
        : ex.Message;

    public static int Classify(Exception ex) => ex switch
    {
        CommandParseException or CommandRuntimeException or ArgumentException and not ShapeException => BadArguments,
        Scratchgen.Backends.DeviceUnavailableException => BadArguments,
        ShapeException or InvalidDataException or Scratchgen.Data.DataFormatException or FileNotFoundException or DirectoryNotFoundException => BadInput,
        GradCheckException => CheckFailed,
        NonFiniteException => NumericFailure,
        DeviceOutOfMemoryException or OutOfMemoryException => OutOfMemory,
        _ => InternalError,
    };
}
