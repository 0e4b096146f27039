using System.Globalization;

namespace ScheduleSearch.Core.Spacings;

/// <summary>
/// A spacing rule: <c>time-uniform</c>, <c>time-quadratic</c>, <c>logsnr-uniform</c>, <c>karras</c> / <c>karras(rho)</c>,
/// <c>flow-shift(s)</c> (flow models), or an explicit list.
/// </summary>
public sealed record Spacing(SpacingKind Kind, double Rho = 7.0, IReadOnlyList<double>? Points = null, double Shift = 1.0)
{
    /// <summary>Equal steps in t.</summary>
    public static readonly Spacing TimeUniform = new(SpacingKind.TimeUniform);

    /// <summary>Equal steps in sqrt(t).</summary>
    public static readonly Spacing TimeQuadratic = new(SpacingKind.TimeQuadratic);

    /// <summary>Equal steps in lambda.</summary>
    public static readonly Spacing LogSnrUniform = new(SpacingKind.LogSnrUniform);

    /// <summary>Karras with rho = 7.</summary>
    public static readonly Spacing Karras7 = new(SpacingKind.Karras);

    /// <summary>The named spacings every baseline is tried with.</summary>
    public static IReadOnlyList<Spacing> Named { get; } = [TimeUniform, TimeQuadratic, LogSnrUniform, Karras7];

    /// <summary>SD3/Flux's shifted flow spacing with shift <paramref name="shift"/> (a flow card's <c>schedule.shift</c>).</summary>
    public static Spacing FlowShift(double shift) => shift > 0 && double.IsFinite(shift)
        ? new Spacing(SpacingKind.FlowShift, Shift: shift)
        : throw new ArgumentOutOfRangeException(nameof(shift), shift, "a flow shift must be a positive number");

    /// <summary>The name as written on the command line and in specs.</summary>
    public string Name => Kind switch
    {
        SpacingKind.TimeUniform => "time-uniform",
        SpacingKind.TimeQuadratic => "time-quadratic",
        SpacingKind.LogSnrUniform => "logsnr-uniform",
        SpacingKind.Karras => Rho == 7.0 ? "karras" : $"karras({Rho.ToString("R", CultureInfo.InvariantCulture)})",
        SpacingKind.Explicit => "explicit",
        SpacingKind.FlowShift => $"flow-shift({Shift.ToString("R", CultureInfo.InvariantCulture)})",
        _ => throw new InvalidOperationException($"unknown spacing {Kind}"),
    };

    /// <summary>Parses a spacing name; throws <see cref="ArgumentException"/> naming the value and the choices.</summary>
    public static Spacing Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "time-uniform":
                return TimeUniform;
            case "time-quadratic":
                return TimeQuadratic;
            case "logsnr-uniform":
            case "logsnr":
                return LogSnrUniform;
            case "karras":
                return Karras7;
        }

        if (name.StartsWith("karras(", StringComparison.Ordinal) && name.EndsWith(')')
            && double.TryParse(name["karras(".Length..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rho) && rho > 0)
        {
            return new Spacing(SpacingKind.Karras, rho);
        }

        if (name.StartsWith("flow-shift(", StringComparison.Ordinal) && name.EndsWith(')')
            && double.TryParse(name["flow-shift(".Length..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var shift) && shift > 0 && double.IsFinite(shift))
        {
            return FlowShift(shift);
        }

        throw new ArgumentException($"unknown spacing '{name}'; expected time-uniform, time-quadratic, logsnr-uniform, karras, karras(rho) or flow-shift(s)", nameof(name));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
