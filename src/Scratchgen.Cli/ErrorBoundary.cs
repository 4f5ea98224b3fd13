using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli;

/// <summary>
/// The one place an exception becomes what the user sees. A known failure (a bad option, a refused
/// input file, a run that diverged, memory, a full disk) is one line on stderr, "error: " and the
/// message, which names the file, tensor or option and what was expected, with its exit code
/// (<see cref="ExitCodes"/>). Anything else is a bug: the stack trace, a request to report it, and 70.
/// </summary>
internal static partial class ErrorBoundary
{
    public static int Run(string[] args, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception ex) when (ExitCodes.Classify(ex) is var code and not ExitCodes.InternalError)
        {
            Console.Error.WriteLine($"error: {OneLine(Explain(ex, args))}");
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

    // The message, completed where the parser's own leaves out what the user needs: the suggestion it
    // draws under a mistyped command, and the option whose value could not be converted.
    private static string Explain(Exception ex, string[] args)
    {
        string message = ExitCodes.Describe(ex);
        if (ex is CommandParseException { Pretty: { } pretty } && DidYouMean().Match(Render(pretty)) is { Success: true } suggestion)
            return $"{message.TrimEnd('.')}: did you mean '{suggestion.Groups[1].Value}'?";
        if (FailedConversion().Match(message) is { Success: true } failed)
        {
            string value = failed.Groups[1].Value;
            int at = Array.FindIndex(args, a => a == value || a.EndsWith("=" + value, StringComparison.Ordinal));
            string? option = at > 0 && args[at] == value && args[at - 1].StartsWith('-') ? args[at - 1]
                : at >= 0 && args[at] != value ? args[at][..args[at].IndexOf('=', StringComparison.Ordinal)] : null;
            return option != null ? $"{option} {value}: not a valid value for {option} (see --help)" : message;
        }
        return message;
    }

    private static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var text = new StringWriter();
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), ColorSystem = ColorSystemSupport.NoColors }).Write(renderable);
        return text.ToString();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex("Did you mean '([^']+)'")]
    private static partial Regex DidYouMean();

    [GeneratedRegex("^Failed to convert '(.*)' to ")]
    private static partial Regex FailedConversion();
}
