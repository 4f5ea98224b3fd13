using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Serve;

/// <summary>The options every served page shares.</summary>
internal class ServeSettings : CommandSettings
{
    [CommandOption("--port <N>"), Description("TCP port (0: any free port; the URL is printed).")]
    [DefaultValue(LocalServer.DefaultPort)]
    public int Port { get; init; } = LocalServer.DefaultPort;

    [CommandOption("--host <ADDRESS>"), Description("Address to listen on. The default, 127.0.0.1, is this machine only; any other address is warned about loudly (no password protects the page).")]
    [DefaultValue("127.0.0.1")]
    public string Host { get; init; } = "127.0.0.1";

    [CommandOption("--open"), Description("Also open the page in this machine's default browser.")]
    public bool Open { get; init; }

    public override ValidationResult Validate() =>
        Port is < 0 or > 65535 ? ValidationResult.Error("--port must be between 0 and 65535") : ValidationResult.Success();
}
