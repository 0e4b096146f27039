using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Specs;

public sealed class SearchSpecTests
{
    private const string Example = """
        {
          "format": "schedule-search/search@1",
          "name": "gmm-toy nfe 4-8",
          "model": "../models/gmm-toy-64/model.json",
          "nfe": [8, 4, 5, 6],
          "metric": { "kind": "teacher-rmse", "samples": 2048, "seed": 0,
                      "heldout": { "samples": 1024, "seed": 1 },
                      "teacher": { "preset": "dpm-solver++-3m", "nfe": 500, "spacing": "logsnr-uniform" } },
          "space": { "prediction": ["data", "noise"], "order": [1, 2, 3], "method": ["multistep", "singlestep"],
                     "derivative": ["dpm-solver", "unipc-bh1", "unipc-bh2", "taylor"], "corrector": ["none", "unic"],
                     "t_max": 1.0, "t_min": [0.0001, 0.001], "time_shift": false },
          "strategy": { "kind": "predictor-guided", "population": 50, "generations": 20, "seed": 0 },
          "budget": { "evaluations": 2000, "hours": 8 },
          "baselines": ["ddim", "dpm-solver++-2m", "dpm-solver++-3m", "unipc-bh2-2", "unipc-bh2-3"]
        }
        """;

    private static string Minimal(string extra = "") => $$"""
        { "format": "schedule-search/search@1", "name": "s", "model": "m/model.json", "nfe": 5, "metric": { "kind": "teacher-rmse" }{{extra}} }
        """;

    [Fact]
    public void The_formats_example_parses_with_every_field()
    {
        var spec = SearchSpec.Parse(Example, "example.search.json", "/specs");
        Assert.Equal("gmm-toy nfe 4-8", spec.Name);
        Assert.Equal(Path.GetFullPath("/models/gmm-toy-64/model.json"), spec.ModelPath);
        Assert.Equal(new[] { 4, 5, 6, 8 }, spec.Nfe.ToArray());
        Assert.Equal(2048, spec.Metric.Samples);
        Assert.Equal(1, spec.Metric.HeldOutSeed);
        Assert.Equal("predictor-guided", spec.Strategy.Kind);
        Assert.Equal(20, spec.Strategy.Generations);
        Assert.Equal(2000, spec.Budget.Evaluations);
        Assert.Equal(8.0, spec.Budget.Hours);
        Assert.Equal(0.0001, spec.Space.TMinLow);
        Assert.Equal(0.001, spec.Space.TMinHigh);
        Assert.Equal(5, spec.Baselines.Length);
    }

    [Fact]
    public void A_minimal_spec_gets_the_documented_defaults()
    {
        var spec = SearchSpec.Parse(Minimal(), "m.json", "/x");
        Assert.Equal(1000, spec.Budget.Evaluations);
        Assert.Equal(1024, spec.Metric.Samples);
        Assert.Equal(1024, spec.Metric.HeldOutSamples);
        Assert.NotEqual(spec.Metric.Seed, spec.Metric.HeldOutSeed);
        Assert.Equal("dpm-solver++-3m", spec.Metric.Teacher.Preset);
        Assert.Equal(500, spec.Metric.Teacher.Nfe);
        Assert.Equal("default", spec.Strategy.Kind);
        Assert.Equal(Core.Presets.PresetCatalog.Names.Count, spec.Baselines.Length);
        Assert.Equal(SearchSpace.Default, spec.Space);
    }

    [Theory]
    [InlineData(", \"colour\": 1", "colour")]
    [InlineData(", \"budget\": { \"evaluation\": 5 }", "budget.evaluation")]
    [InlineData(", \"space\": { \"order\": [1, 9] }", "space.order")]
    [InlineData(", \"strategy\": { \"kind\": \"magic\" }", "strategy.kind")]
    [InlineData(", \"strategy\": { \"breeding\": \"crossover\" }", "strategy.breeding")]
    [InlineData(", \"baselines\": [\"ddim\", \"nope\"]", "baselines[1]")]
    [InlineData(", \"space\": { \"derivative\": [\"dpm-solver-v3\", \"dpm-solver-v3-pseudo\"] }", "space.derivative")]
    public void Unknown_fields_and_values_are_refused_naming_the_file_and_the_field(string extra, string field)
    {
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Minimal(extra), "my.search.json"));
        Assert.StartsWith("my.search.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evolutionary", null, Breeding.Prefix)]
    [InlineData("default", null, Breeding.Prefix)]
    [InlineData("cma-evolutionary", null, Breeding.Mixing)]
    [InlineData("default", "mixing", Breeding.Mixing)]
    [InlineData("predictor-guided", null, Breeding.Mixing)]
    [InlineData("evolutionary", "mixing", Breeding.Mixing)]
    [InlineData("cma-evolutionary", "prefix", Breeding.Prefix)]
    public void Breeding_defaults_to_what_each_strategy_was_measured_with_and_the_spec_may_name_it(string kind, string? breeding, Breeding expected)
    {
        var named = breeding is null ? string.Empty : $", \"breeding\": \"{breeding}\"";
        var spec = SearchSpec.Parse(Minimal($", \"strategy\": {{ \"kind\": \"{kind}\"{named} }}"), "b.json");
        Assert.Equal(expected, spec.Strategy.EffectiveBreeding);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        var json = """{ "format": "schedule-search/search@1", "model": "m", "nfe": 5, "metric": { "kind": "teacher-rmse" } }""";
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(json, "a.json"));
        Assert.Contains("name: is required but missing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"nfe\": 0", "nfe[0]")]
    [InlineData("\"nfe\": [5, -1]", "nfe[1]")]
    public void Nfe_zero_or_negative_is_refused(string nfe, string field)
    {
        var json = Minimal().Replace("\"nfe\": 5", nfe, StringComparison.Ordinal);
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(json, "a.json"));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(", \"budget\": { \"evaluations\": -5 }", "budget.evaluations")]
    [InlineData(", \"budget\": { \"evaluations\": 0 }", "budget.evaluations")]
    [InlineData(", \"budget\": { \"hours\": -1 }", "budget.hours")]
    public void Negative_or_empty_budgets_are_refused(string extra, string field)
    {
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Minimal(extra), "a.json"));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_format_tag_is_refused()
    {
        var json = Minimal().Replace("search@1", "search@2", StringComparison.Ordinal);
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(json, "a.json"));
        Assert.Contains("format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wide_space_switches_default_to_what_measured_better_and_true_gives_the_default_bounds()
    {
        var defaults = SearchSpec.Parse(Minimal(), "m.json", "/x").Space;
        // Time shifts and the analytical first step measured better (bench/BENCHMARKS.md, "Wider search space"); the rest did not.
        Assert.True(defaults.TimeShift);
        Assert.Equal(SearchSpace.DefaultTimeShiftBound, defaults.TimeShiftBound);
        Assert.False(defaults.Compensation || defaults.Momentum || defaults.Teleport);
        Assert.Equal(2, defaults.AfsModes.Length);
        Assert.False(SearchSpec.Parse(Minimal(""", "space": { "afs": false, "time_shift": false }"""), "m.json", "/x").Space.IsWide);
        Assert.False(SearchSpec.Parse(Minimal(""", "space": { "time_shift": false }"""), "m.json", "/x").Space.TimeShift);
        var space = SearchSpec.Parse(Minimal(""", "space": { "time_shift": true, "compensation": true, "momentum": true, "teleport": true, "afs": true }"""), "m.json", "/x").Space;
        Assert.True(space.TimeShift && space.Compensation && space.Momentum && space.Teleport);
        Assert.Equal(SearchSpace.DefaultTimeShiftBound, space.TimeShiftBound);
        Assert.Equal(SearchSpace.DefaultCompensationBound, space.CompensationBound);
        Assert.Equal(SearchSpace.DefaultMomentumMax, space.MomentumMax);
        Assert.Equal(SearchSpace.DefaultTeleportLowest, space.TeleportLowest);
        Assert.Equal(new[] { Core.Schedules.AnalyticFirstStep.ZeroX0, Core.Schedules.AnalyticFirstStep.MeanX0 }, space.AfsModes.ToArray());
        Assert.Equal(SearchSpace.Default.WithWideDecisions(), space);
    }

    [Fact]
    public void Wide_space_numbers_are_the_bounds_and_afs_may_list_its_modes()
    {
        var space = SearchSpec.Parse(Minimal(""", "space": { "time_shift": 0.02, "compensation": 0.1, "momentum": 0.8, "teleport": 0.7, "afs": ["mean-x0"] }"""), "m.json", "/x").Space;
        Assert.Equal(0.02, space.TimeShiftBound);
        Assert.Equal(0.1, space.CompensationBound);
        Assert.Equal(0.8, space.MomentumMax);
        Assert.Equal(0.7, space.TeleportLowest);
        Assert.Equal(new[] { Core.Schedules.AnalyticFirstStep.MeanX0 }, space.AfsModes.ToArray());
        var off = SearchSpec.Parse(Minimal(""", "space": { "time_shift": false, "compensation": false, "momentum": false, "teleport": false, "afs": false }"""), "m.json", "/x").Space;
        Assert.Equal(SearchSpace.Plain, off);
    }

    [Theory]
    [InlineData("\"time_shift\": 0.7", "space.time_shift")]
    [InlineData("\"time_shift\": \"yes\"", "space.time_shift")]
    [InlineData("\"compensation\": 0", "space.compensation")]
    [InlineData("\"compensation\": 1.5", "space.compensation")]
    [InlineData("\"momentum\": 1", "space.momentum")]
    [InlineData("\"momentum\": -0.1", "space.momentum")]
    [InlineData("\"teleport\": 1.2", "space.teleport")]
    [InlineData("\"teleport\": [0.5]", "space.teleport")]
    [InlineData("\"afs\": [\"zero-x0\", \"half-x0\"]", "space.afs[1]")]
    [InlineData("\"afs\": [\"none\"]", "space.afs")]
    [InlineData("\"afs\": 3", "space.afs[0]")]
    public void Bad_wide_space_values_are_refused_naming_the_field(string field, string name)
    {
        var e = Assert.Throws<SearchSpecException>(() => SearchSpec.Parse(Minimal($", \"space\": {{ {field} }}"), "w.search.json"));
        Assert.Contains(name + ":", e.Message, StringComparison.Ordinal);
    }
}
