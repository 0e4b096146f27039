using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Json;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A model card's "schedule" block: the forward process the model was trained with. Fields per kind (defaults in brackets):
/// vp-discrete: betas [linear] (linear | scaled_linear | squaredcos_cap_v2), beta_start [0.0001], beta_end [0.02],
/// train_steps [1000]; vp-linear: beta_0 [0.1], beta_1 [20]; edm: sigma_min [0.002], sigma_max [80], sigma_data [0.5];
/// flow: none.
/// </summary>
public sealed record NoiseScheduleSpec
{
    /// <summary>The schedule kind: vp-discrete, vp-linear, edm or flow.</summary>
    public required string Kind { get; init; }

    /// <summary>vp-discrete: the beta schedule.</summary>
    public BetaSchedule Betas { get; init; } = BetaSchedule.Linear;

    /// <summary>vp-discrete: the first beta.</summary>
    public double BetaStart { get; init; } = 1e-4;

    /// <summary>vp-discrete: the last beta.</summary>
    public double BetaEnd { get; init; } = 0.02;

    /// <summary>vp-discrete: N, the number of training steps.</summary>
    public int TrainSteps { get; init; } = 1000;

    /// <summary>vp-linear: beta at t = 0.</summary>
    public double Beta0 { get; init; } = 0.1;

    /// <summary>vp-linear: beta at t = 1.</summary>
    public double Beta1 { get; init; } = 20.0;

    /// <summary>edm: the smallest sigma.</summary>
    public double SigmaMin { get; init; } = 0.002;

    /// <summary>edm: the largest sigma.</summary>
    public double SigmaMax { get; init; } = 80.0;

    /// <summary>vp-discrete: rescale the betas to zero terminal SNR (Lin et al. 2024; diffusers' rescale_betas_zero_snr).</summary>
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>flow: SD3/Flux's sigma shift of the sampling times (1: none); the shifted spacing is the model's default.</summary>
    public double Shift { get; init; } = 1.0;

    /// <summary>
    /// The spacing the model is sampled with by default where it has one of its own: a flow schedule with a shift has
    /// its shifted spacing (diffusers' SD3/Flux scheduler), which joins the baselines; null otherwise.
    /// </summary>
    public Spacing? OwnSpacing => Kind == FlowSchedule.KindName && Shift != 1.0 ? Spacing.FlowShift(Shift) : null;

    /// <summary>edm: sigma_data of EDM's preconditioning.</summary>
    public double SigmaData { get; init; } = 0.5;

    /// <summary>The default block of a kind (FORMATS.md: vp-discrete is linear betas 1e-4..0.02 over 1000 steps).</summary>
    public static NoiseScheduleSpec Default(string kind)
    {
        _ = NoiseSchedule.FromKind(kind);
        return new NoiseScheduleSpec { Kind = kind };
    }

    /// <summary>Builds the Core noise schedule this block describes.</summary>
    public NoiseSchedule Create()
    {
        try
        {
            return NoiseScheduleFactory.Create(Kind, Betas, BetaStart, BetaEnd, TrainSteps, Beta0, Beta1, SigmaMin, SigmaMax, SigmaData, RescaleBetasZeroSnr);
        }
        catch (ArgumentException e) when (!NoiseScheduleFactory.Kinds.Contains(Kind))
        {
            throw new ModelCardException($"unknown schedule kind '{Kind}' in 'schedule.kind'; expected one of vp-discrete, vp-linear, edm, flow", e);
        }
    }

    /// <summary>One line describing the schedule, for reports.</summary>
    public string Describe() => Kind switch
    {
        VpDiscreteSchedule.KindName => string.Create(CultureInfo.InvariantCulture, $"vp-discrete, {CardNames.Name(Betas)} betas {BetaStart}..{BetaEnd}, {TrainSteps} steps{(RescaleBetasZeroSnr ? ", zero terminal SNR" : string.Empty)}"),
        FlowSchedule.KindName when Shift != 1.0 => string.Create(CultureInfo.InvariantCulture, $"flow, shift {Shift}"),
        VpLinearSchedule.KindName => string.Create(CultureInfo.InvariantCulture, $"vp-linear, beta_0 {Beta0}, beta_1 {Beta1}"),
        EdmSchedule.KindName => string.Create(CultureInfo.InvariantCulture, $"edm, sigma {SigmaMin}..{SigmaMax}, sigma_data {SigmaData}"),
        _ => Kind,
    };

    internal static NoiseScheduleSpec Read(StrictJsonObject json)
    {
        var kind = json.RequiredString("kind");
        NoiseScheduleSpec spec = kind switch
        {
            VpDiscreteSchedule.KindName => new NoiseScheduleSpec
            {
                Kind = kind,
                Betas = CardNames.ParseBetas(json.OptionalString("betas") ?? "linear", json.FieldPath("betas")),
                BetaStart = json.OptionalDouble("beta_start", 1e-4),
                BetaEnd = json.OptionalDouble("beta_end", 0.02),
                TrainSteps = json.OptionalInt("train_steps", 1000),
                RescaleBetasZeroSnr = json.OptionalBool("rescale_betas_zero_snr", false),
            },
            VpLinearSchedule.KindName => new NoiseScheduleSpec
            {
                Kind = kind,
                Beta0 = json.OptionalDouble("beta_0", 0.1),
                Beta1 = json.OptionalDouble("beta_1", 20.0),
            },
            EdmSchedule.KindName => new NoiseScheduleSpec
            {
                Kind = kind,
                SigmaMin = json.OptionalDouble("sigma_min", 0.002),
                SigmaMax = json.OptionalDouble("sigma_max", 80.0),
                SigmaData = json.OptionalDouble("sigma_data", 0.5),
            },
            FlowSchedule.KindName => new NoiseScheduleSpec { Kind = kind, Shift = json.OptionalDouble("shift", 1.0) },
            _ => throw new ModelCardException($"{json.Source}: unknown schedule kind '{kind}' in '{json.FieldPath("kind")}'; expected one of vp-discrete, vp-linear, edm, flow"),
        };
        json.EnsureNoUnknownFields();
        if (!(spec.Shift > 0) || double.IsInfinity(spec.Shift))
        {
            throw new ModelCardException(string.Create(CultureInfo.InvariantCulture, $"{json.Source}: '{json.FieldPath("shift")}' must be a positive number, not {spec.Shift}"));
        }

        try
        {
            _ = spec.Create();
        }
        catch (ArgumentException e)
        {
            throw new ModelCardException($"{json.Source}: invalid '{json.FieldPath("kind")}' block: {e.Message}", e);
        }

        return spec;
    }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", Kind);
        switch (Kind)
        {
            case VpDiscreteSchedule.KindName:
                writer.WriteString("betas", CardNames.Name(Betas));
                writer.WriteNumber("beta_start", BetaStart);
                writer.WriteNumber("beta_end", BetaEnd);
                writer.WriteNumber("train_steps", TrainSteps);
                if (RescaleBetasZeroSnr)
                {
                    writer.WriteBoolean("rescale_betas_zero_snr", true);
                }
                break;
            case VpLinearSchedule.KindName:
                writer.WriteNumber("beta_0", Beta0);
                writer.WriteNumber("beta_1", Beta1);
                break;
            case EdmSchedule.KindName:
                writer.WriteNumber("sigma_min", SigmaMin);
                writer.WriteNumber("sigma_max", SigmaMax);
                writer.WriteNumber("sigma_data", SigmaData);
                break;
            case FlowSchedule.KindName when Shift != 1.0:
                writer.WriteNumber("shift", Shift);
                break;
            default:
                break;
        }

        writer.WriteEndObject();
    }
}
