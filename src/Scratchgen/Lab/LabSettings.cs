namespace Scratchgen.Lab;

/// <summary>The adversarial losses the live lab switches between.</summary>
internal enum LabLoss
{
    /// <summary>D: BCE(D(x), 1) + BCE(D(G(z)), 0); G: BCE(D(G(z)), 1) (Goodfellow et al.'s practical form).</summary>
    NonSaturating,
    /// <summary>D as above; G: -BCE(D(G(z)), 0), i.e. minimise log(1 - D(G(z))): the game as first written, whose
    /// gradient vanishes where D confidently rejects G's points.</summary>
    Minimax,
    /// <summary>Critic: mean D(G(z)) - mean D(x) + lambda (||grad D|| - 1)^2; G: -mean D(G(z)).</summary>
    WganGp,
}

/// <summary>
/// The knobs of a live lab session, as they stand between two steps. Changed only through validated
/// <see cref="LabChange"/>s (<see cref="LabControl"/>), so every value here is in range.
/// </summary>
/// <param name="Data">ring, grid, moons or drawn.</param>
/// <param name="Drawn">The clicked points when Data is drawn.</param>
/// <param name="Loss">The adversarial loss.</param>
/// <param name="LrD">D's Adam learning rate.</param>
/// <param name="LrG">G's Adam learning rate.</param>
/// <param name="DSteps">D updates per G update (one lab step is DSteps D updates, then one G update).</param>
/// <param name="GWidth">Units in each of G's two hidden layers.</param>
/// <param name="DWidth">Units in each of D's two hidden layers.</param>
/// <param name="BatchSize">Points per update.</param>
/// <param name="Seed">Seeds the weights, the data stream and the noise; a reset takes a new one.</param>
internal sealed record LabSettings(
    string Data = "ring", IReadOnlyList<(double X, double Y)>? Drawn = null, LabLoss Loss = LabLoss.NonSaturating,
    double LrD = 1e-3, double LrG = 1e-3, int DSteps = 1, int GWidth = 128, int DWidth = 128, int BatchSize = 256, ulong Seed = 1)
{
    /// <summary>The data set these settings train on.</summary>
    public ToyDistribution Distribution => LabDataSets.Get(Data, Drawn);

    /// <summary>The name of a loss as the page and the change log write it.</summary>
    public static string LossName(LabLoss loss) => loss switch
    {
        LabLoss.NonSaturating => "non-saturating",
        LabLoss.Minimax => "minimax",
        _ => "wgan-gp",
    };
}
