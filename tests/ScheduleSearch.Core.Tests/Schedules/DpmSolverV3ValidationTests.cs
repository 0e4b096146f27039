using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Core.Tests.Schedules;

/// <summary>What the validator refuses in DPM-Solver-v3 steps, each with a message naming the step and the rule.</summary>
public sealed class DpmSolverV3ValidationTests
{
    private static readonly VpDiscreteSchedule Noise = VpDiscreteSchedule.Linear();

    private static SamplerSchedule Preset() =>
        PresetCatalog.Create(DpmSolverV3Preset.Name, Noise, 6, Spacing.LogSnrUniform, v3Options: DpmSolverV3Options.Default with { Degenerated = true });

    [Fact]
    public void The_preset_is_valid_and_costs_one_evaluation_per_step()
    {
        var schedule = Preset();
        Assert.Empty(ScheduleValidator.Problems(schedule, Noise));
        Assert.Equal(6, schedule.Nfe);
        Assert.Equal(CorrectorKind.None, schedule.Steps[^1].Corrector);
    }

    [Theory]
    [InlineData(1, "unic", "takes the corrector none, dpm-solver-v3 or dpm-solver-v3-pseudo")]
    [InlineData(0, "v3-on-ddim", "follows a dpm-solver-v3 predictor")]
    [InlineData(0, "order-1-plain", "changes nothing")]
    [InlineData(5, "last", "last step has none")]
    [InlineData(2, "noise", "leave prediction at \"data\"")]
    public void Invalid_v3_steps_are_refused_naming_the_step(int index, string change, string message)
    {
        var schedule = Preset();
        var step = schedule.Steps[index];
        step = change switch
        {
            "unic" => step with { Corrector = CorrectorKind.UniC },
            "v3-on-ddim" => StepChoice.Ddim with { Corrector = CorrectorKind.DpmSolverV3Pseudo },
            "order-1-plain" => step with { Order = 1, Corrector = CorrectorKind.DpmSolverV3 },
            "last" => step with { Corrector = CorrectorKind.DpmSolverV3Pseudo },
            _ => step with { Prediction = Prediction.Noise },
        };
        var problems = ScheduleValidator.Problems(schedule with { Steps = schedule.Steps.SetItem(index, step) }, Noise);
        Assert.Contains(problems, p => p.StartsWith($"step {index + 1}:", StringComparison.Ordinal) && p.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_other_than_the_authors_flags_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => DpmSolverV3Options.Parse("{\"order\": 3, \"skip_type\": \"logSNR\"}"));
        Assert.Contains("skip_type", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DpmSolverV3Options.Parse("{\"order\": 7}"));
        Assert.True(DpmSolverV3Options.Parse("{\"p_pseudo\": true}").PPseudo);
    }
}
