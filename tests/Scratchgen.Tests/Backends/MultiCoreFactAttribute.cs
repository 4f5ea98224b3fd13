using Scratchgen.Backends.Cpu;

namespace Scratchgen.Tests.Backends;

/// <summary>A fact that skips, with the reason, on a one-core machine, where the worker team has no workers.</summary>
internal sealed class MultiCoreFactAttribute : FactAttribute
{
    public MultiCoreFactAttribute()
    {
        if (WorkerTeam.Size < 2) Skip = "one core: the worker team has no workers";
    }
}
