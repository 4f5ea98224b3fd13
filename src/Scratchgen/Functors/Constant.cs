namespace Scratchgen.Functors;

/// <summary>
/// A functor's constant (a slope, a scale, a clamp bound) as two floats: its float value and the float rounding error
/// of that. A GPU kernel takes the functor as an argument, and an OpenCL device need not have doubles, so a functor
/// holds no double; the float64 Reference still gets the constant to about 48 bits (Single + Error), and every float
/// backend gets exactly (float)value.
/// </summary>
public readonly struct Constant(double value)
{
    /// <summary>(float)value.</summary>
    public readonly float Single = (float)value;

    /// <summary>value - Single, rounded to float (0 for an infinite bound such as an open clamp's).</summary>
    public readonly float Error = double.IsFinite(value) ? (float)(value - (float)value) : 0f;

    /// <summary>The constant in double, to about 48 bits.</summary>
    public double Double => (double)Single + Error;

    /// <inheritdoc/>
    public override string ToString() => Double.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
