namespace Scratchgen.Cli;

/// <summary>
/// The one place an exception becomes what the user sees. A known failure (a bad option, a refused
/// input file, a run that diverged, memory, a full disk) is one line on stderr, "error: " and the
/// message, which names the file, tensor or option and what was expected, with its exit code
/// (<see cref="ExitCodes"/>). Anything else is a bug: the stack trace, a request to report it, and 70.
/// </summary>
internal static class ErrorBoundary
{
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception ex) when (ExitCodes.Classify(ex) is var code and not ExitCodes.InternalError)
        {
            Console.Error.WriteLine($"error: {OneLine(ExitCodes.Describe(ex))}");
            return code;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: internal error (a bug in Scratchgen): {ex.GetType().Name}: {OneLine(ex.Message)}");
            Console.Error.WriteLine(ex.ToString());
            Console.Error.WriteLine("Please report it with the command line you ran and this output.");
            return ExitCodes.InternalError;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
