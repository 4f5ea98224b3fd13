namespace Scratchgen.Cli;

/// <summary>An option the command does not have, with the nearest one it does.</summary>
internal sealed class UnknownOptionException(string command, string given, IReadOnlyList<string> known)
    : ArgumentException(Describe(command, given, known))
{
    private static string Describe(string command, string given, IReadOnlyList<string> known)
    {
        string? nearest = Suggestions.Nearest(given, known);
        return nearest != null
            ? $"unknown option {given} for '{command}': did you mean {nearest}?"
            : $"unknown option {given} for '{command}': it takes {(known.Count == 0 ? "no options" : string.Join(", ", known))}";
    }
}
