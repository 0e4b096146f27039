using System.Globalization;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Tests.Support;

namespace ScheduleSearch.Core.Tests.Schedules;

public sealed class ScheduleJsonTests
{
    private const string Minimal = """
        { "format": "schedule-search/schedule@1", "name": "two steps", "time": "vp-discrete",
          "timesteps": [1.0, 0.5, 0.001],
          "steps": [ { "method": "multistep", "order": 1 }, { "order": 2, "prediction": "data", "derivative": "dpm-solver", "corrector": "none" } ] }
        """;

    [Fact]
    public void Every_preset_round_trips_through_json()
    {
        foreach (var name in PresetCatalog.Names)
        {
            var noise = name is "euler" or "heun" ? (NoiseSchedule)new EdmSchedule() : VpDiscreteSchedule.Linear();
            // dpm-solver-v3 without a card's statistics: its degenerated form (which also round-trips options.ems_degenerated).
            var v3 = name == DpmSolverV3Preset.Name ? DpmSolverV3Options.Default with { Degenerated = true } : null;
            var schedule = PresetCatalog.Create(name, noise, 7 - (name == "heun" ? 0 : 1), v3Options: v3);
            var again = ScheduleJson.Read(ScheduleJson.Write(schedule));
            Assert.Equal(schedule, again);
            Assert.Equal(ScheduleKey.Compute(schedule), ScheduleKey.Compute(again));
        }
    }

    [Fact]
    public void Random_schedules_round_trip_through_json()
    {
        var rng = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var schedule = RandomSchedules.Create(rng, VpDiscreteSchedule.Linear()) with { ProvenanceJson = "{\"search\":\"s\",\"score\":{\"value\":0.5}}" };
            Assert.Equal(schedule, ScheduleJson.Read(ScheduleJson.Write(schedule)));
        }
    }

    [Fact]
    public void Names_are_written_as_people_type_them_without_unicode_escapes()
    {
        var schedule = PresetCatalog.Create("dpm-solver++-3m", VpDiscreteSchedule.Linear(), 5) with { Name = "dpm-solver++ <3m> & 'more'" };
        var json = ScheduleJson.Write(schedule);
        Assert.Contains("\"name\": \"dpm-solver++ <3m> & 'more'\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", json, StringComparison.Ordinal);
        Assert.Equal(schedule, ScheduleJson.Read(json));
    }

    [Fact]
    public void Writing_uses_the_invariant_culture_under_a_decimal_comma_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var json = ScheduleJson.Write(ScheduleJson.Read(Minimal) with { Steps = [StepChoice.Ddim, new StepChoice { Order = 2, Derivative = DerivativeForm.Linear, LinearC = 0.25 }] });
            Assert.Contains("0.5,", json, StringComparison.Ordinal);
            Assert.Contains("\"linear(0.25)\"", json, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_key_ignores_field_order_explicit_defaults_and_the_name()
    {
        const string reordered = """
            { "steps": [ { "corrector": "none", "prediction": "data", "order": 1, "derivative": "taylor", "method": "multistep" }, { "order": 2 } ],
              "timesteps": [1.0, 0.5000000000001, 0.001], "time": "vp-discrete", "name": "another name",
              "options": { "denoise_to_zero": false, "afs": "none", "momentum": 0 },
              "format": "schedule-search/schedule@1" }
            """;
        Assert.Equal(ScheduleKey.Compute(ScheduleJson.Read(Minimal)), ScheduleKey.Compute(ScheduleJson.Read(reordered)));
    }

    [Fact]
    public void The_key_changes_when_a_decision_or_a_time_changes()
    {
        var a = ScheduleJson.Read(Minimal);
        var b = a with { Steps = a.Steps.SetItem(1, a.Steps[1] with { Prediction = Prediction.Noise }) };
        var c = a with { Timesteps = a.Timesteps.SetItem(1, 0.5001) };
        Assert.NotEqual(ScheduleKey.Compute(a), ScheduleKey.Compute(b));
        Assert.NotEqual(ScheduleKey.Compute(a), ScheduleKey.Compute(c));
        Assert.Matches("^[0-9a-f]{64}$", ScheduleKey.Compute(a));
    }

    [Theory]
    [InlineData("\"format\": \"schedule-search/schedule@1\",", "\"format\": \"other@1\",", "schedule: format: expected \"schedule-search/schedule@1\", got \"other@1\"")]
    [InlineData("\"name\": \"two steps\",", "\"name\": \"two steps\", \"colour\": 1,", "schedule: colour: unknown field")]
    [InlineData("{ \"method\": \"multistep\", \"order\": 1 }", "{ \"method\": \"multistep\", \"order\": 1, \"speed\": 2 }", "schedule: steps[0].speed: unknown field")]
    [InlineData("\"order\": 2,", "\"order\": \"two\",", "schedule: steps[1].order: expected an integer, got \"two\"")]
    [InlineData("\"derivative\": \"dpm-solver\"", "\"derivative\": \"magic\"", "schedule: steps[1].derivative: unknown derivative \"magic\"")]
    [InlineData("\"time\": \"vp-discrete\",", "", "schedule: time: required field is missing")]
    [InlineData("[1.0, 0.5, 0.001]", "[1.0, 0.5]", "schedule: timesteps: has 2 points but steps has 2 entries; expected 3 points")]
    [InlineData("\"name\": \"two steps\",", "\"name\": \"two steps\", \"nfe\": 3,", "schedule: nfe: says 3 but the steps cost 2 model evaluations")]
    public void Malformed_files_are_refused_with_the_field_named(string original, string replacement, string expectedStart)
    {
        var json = Minimal.Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Minimal, json);
        var error = Assert.Throws<ScheduleFormatException>(() => ScheduleJson.Read(json, "schedule"));
        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
    }
}
