using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Models.Cards;

/// <summary>The spellings a model card uses for enums (FORMATS.md), both ways; unknown spellings throw naming the value.</summary>
public static class CardNames
{
    /// <summary>The format tag of a model card.</summary>
    public const string Format = "schedule-search/model@1";

    /// <summary>Parses output.parameterization.</summary>
    public static Parameterization ParseParameterization(string name, string field = "output.parameterization") => name switch
    {
        "epsilon" => Parameterization.Epsilon,
        "x0" => Parameterization.X0,
        "v" => Parameterization.V,
        "flow" => Parameterization.Flow,
        "ve-denoiser" => Parameterization.VeDenoiser,
        _ => throw new ModelCardException($"unknown parameterization '{name}' in '{field}'; expected one of epsilon, x0, v, flow, ve-denoiser"),
    };

    /// <summary>The card spelling of a parameterisation.</summary>
    public static string Name(Parameterization parameterization) => parameterization switch
    {
        Parameterization.Epsilon => "epsilon",
        Parameterization.X0 => "x0",
        Parameterization.V => "v",
        Parameterization.Flow => "flow",
        Parameterization.VeDenoiser => "ve-denoiser",
        _ => throw new ArgumentOutOfRangeException(nameof(parameterization), parameterization, "unknown parameterization"),
    };

    /// <summary>Parses inputs.time_convention.</summary>
    public static TimeConvention ParseTimeConvention(string name, string field = "inputs.time_convention") => name switch
    {
        "discrete-index" => TimeConvention.DiscreteIndex,
        "continuous-t" => TimeConvention.ContinuousT,
        "ve-sigma" => TimeConvention.VeSigma,
        "edm-c-noise" => TimeConvention.EdmCNoise,
        _ => throw new ModelCardException($"unknown time convention '{name}' in '{field}'; expected one of discrete-index, continuous-t, ve-sigma, edm-c-noise"),
    };

    /// <summary>The card spelling of a time convention.</summary>
    public static string Name(TimeConvention convention) => convention switch
    {
        TimeConvention.DiscreteIndex => "discrete-index",
        TimeConvention.ContinuousT => "continuous-t",
        TimeConvention.VeSigma => "ve-sigma",
        TimeConvention.EdmCNoise => "edm-c-noise",
        _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "unknown time convention"),
    };

    /// <summary>Parses schedule.betas.</summary>
    public static BetaSchedule ParseBetas(string name, string field = "schedule.betas") => name switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled_linear" => BetaSchedule.ScaledLinear,
        "squaredcos_cap_v2" => BetaSchedule.SquaredCosCapV2,
        _ => throw new ModelCardException($"unknown beta schedule '{name}' in '{field}'; expected one of linear, scaled_linear, squaredcos_cap_v2"),
    };

    /// <summary>The card (diffusers) spelling of a beta schedule.</summary>
    public static string Name(BetaSchedule betas) => betas switch
    {
        BetaSchedule.Linear => "linear",
        BetaSchedule.ScaledLinear => "scaled_linear",
        BetaSchedule.SquaredCosCapV2 => "squaredcos_cap_v2",
        _ => throw new ArgumentOutOfRangeException(nameof(betas), betas, "unknown beta schedule"),
    };
}
