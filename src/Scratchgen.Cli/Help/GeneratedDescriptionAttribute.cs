using System.ComponentModel;
using System.Reflection;

namespace Scratchgen.Cli.Help;

/// <summary>
/// An option's help text made at run time from the lists the code itself uses (the backends
/// <c>Backend.FromName</c> takes, the model catalog and its defaults), so that --help cannot fall behind
/// them. Names a static string property of <see cref="OptionHelp"/>; the text is escaped for Spectre's
/// markup, like every help text must be.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class GeneratedDescriptionAttribute(string helpProperty) : DescriptionAttribute
{
    public override string Description =>
        Spectre.Console.Markup.Escape((string)(typeof(OptionHelp).GetProperty(helpProperty, BindingFlags.Public | BindingFlags.Static)
            ?.GetValue(null) ?? throw new InvalidOperationException($"OptionHelp has no text '{helpProperty}'")));
}
