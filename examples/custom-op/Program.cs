using Scratchgen.Backends;

// dotnet run --project examples/custom-op [-- cpu cuda ...]: checks the custom op, layer and loss
// (gradients against finite differences, then each backend against the Reference backend).
var backends = (args.Length > 0 ? args : ["cpu"]).Select(Backend.FromName).ToList();
try
{
    foreach (var check in CustomOpExample.Checks.RunAll(backends)) Console.WriteLine($"ok   {check}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAIL {e.Message}");
    return 1;
}
