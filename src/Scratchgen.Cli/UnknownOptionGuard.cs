using System.Reflection;
using Spectre.Console.Cli;

namespace Scratchgen.Cli;

/// <summary>
/// Refuses what the parser could not match to an option of the command (a typo such as --epoch would
/// otherwise be set aside and the run go on with the default), naming the closest option the command
/// has. Runs before every command, on what Spectre.Console.Cli left over.
/// </summary>
internal sealed class UnknownOptionGuard : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        if (context.Remaining.Parsed.FirstOrDefault() is { } option)
            throw new UnknownOptionException(context.Name, option.Key.StartsWith('-') ? option.Key : (option.Key.Length == 1 ? "-" : "--") + option.Key,
                OptionNames(settings.GetType()));
        if (context.Remaining.Raw.Count > 0)
            throw new ArgumentException($"unexpected argument '{context.Remaining.Raw[0]}' for '{context.Name}' (after --)");
    }

    /// <summary>Every long and short option name a settings type declares (inherited ones included), with its dashes.</summary>
    public static IReadOnlyList<string> OptionNames(Type settings) =>
        settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(a => a != null)
            .SelectMany(a => a!.LongNames.Select(n => "--" + n).Concat(a.ShortNames.Select(n => "-" + n)))
            .Order(StringComparer.Ordinal).ToList();
}
