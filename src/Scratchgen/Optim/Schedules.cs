namespace Scratchgen.Optim;

/// <summary>A learning rate as a function of the step number (0-based, before the step is taken).</summary>
public interface ILrSchedule
{
    /// <summary>The learning rate at 0-based <paramref name="step"/> for a base rate of <paramref name="baseRate"/>.</summary>
    double Rate(int step, double baseRate);
}

/// <summary>lr = base gamma^floor(step / stepSize).</summary>
/// <param name="StepSize">Steps between decays.</param>
/// <param name="Gamma">The factor applied at each decay.</param>
public sealed record StepLr(int StepSize, double Gamma = 0.1) : ILrSchedule
{
    /// <inheritdoc/>
    public double Rate(int step, double baseRate) => baseRate * Math.Pow(Gamma, step / Math.Max(StepSize, 1));
}

/// <summary>Cosine annealing from base to minRate over totalSteps, then minRate.</summary>
/// <param name="TotalSteps">Steps over which the rate falls from the base to MinRate.</param>
/// <param name="MinRate">The rate at and after TotalSteps.</param>
public sealed record CosineLr(int TotalSteps, double MinRate = 0) : ILrSchedule
{
    /// <inheritdoc/>
    public double Rate(int step, double baseRate) =>
        step >= TotalSteps ? MinRate : MinRate + (baseRate - MinRate) * 0.5 * (1 + Math.Cos(Math.PI * step / TotalSteps));
}

/// <summary>Linear warm-up from base/warmupSteps to base over warmupSteps, then the inner schedule (or constant).</summary>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="Then">The schedule after the warm-up (its steps counted from 0); null for a constant base rate.</param>
public sealed record WarmupLr(int WarmupSteps, ILrSchedule? Then = null) : ILrSchedule
{
    /// <inheritdoc/>
    public double Rate(int step, double baseRate) =>
        step < WarmupSteps ? baseRate * (step + 1) / WarmupSteps : Then?.Rate(step - WarmupSteps, baseRate) ?? baseRate;
}
