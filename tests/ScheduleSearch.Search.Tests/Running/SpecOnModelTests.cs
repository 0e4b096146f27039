using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>A spec's space narrowed to what a model can run.</summary>
public sealed class SpecOnModelTests
{
    private static readonly SearchSpec Wide = WithWideSpace(SearchSpec.Parse("""
        {
          "format": "schedule-search/search@1", "name": "on model", "model": "m/model.json", "nfe": [4],
          "metric": { "kind": "teacher-rmse", "samples": 8 },
          "budget": { "evaluations": 8 }, "baselines": ["ddim"]
        }
        """, "on-model.search.json", Path.GetTempPath()));

    [Fact]
    public void A_model_without_data_statistics_loses_the_steps_that_need_them_and_a_model_with_them_keeps_the_spec()
    {
        Assert.Equal(Wide.Space.WithoutDataStatistics(), SpecOnModel.ForModel(Wide, "m", ["small"], statistics: null).Space);
        var statistics = DataStatistics.Of(new GaussianMixture([1.0], [[0.0, 0.0]], [[1.0, 1.0]]));
        Assert.Same(Wide, SpecOnModel.ForModel(Wide, "m", ["small"], statistics));
    }

    [Fact]
    public void A_space_naming_a_network_the_card_lacks_is_refused_naming_the_card_s_variants()
    {
        var error = Assert.Throws<SearchSpecException>(() => SpecOnModel.ForModel(Wide, "toy", ["large", "medium"], statistics: null));

        Assert.Equal("space.models: 'small' is not a variant of model 'toy' (the card's variants are large, medium)", error.Message);
    }

    [Fact]
    public void A_space_with_dpm_solver_v3_steps_on_a_card_without_their_statistics_is_refused_naming_the_field_and_the_command()
    {
        var v3 = Wide with { Space = Wide.Space with { Derivatives = [DerivativeForm.DpmSolver, DerivativeForm.DpmSolverV3] } };

        var error = Assert.Throws<SearchSpecException>(() => SpecOnModel.ForModel(v3, "toy", ["small"], statistics: null, ems: null));

        Assert.Equal("space.derivative: dpm-solver-v3 steps read the card's empirical model statistics and model 'toy' has none (card field \"ems\"; estimate them with schedule-search model stats CARD --ems)", error.Message);
        var ems = EmsStatistics.Degenerated(VpDiscreteSchedule.Linear(), 2, 1.0, 1e-3, 12);
        Assert.True(SpecOnModel.ForModel(v3, "toy", ["small"], statistics: null, ems).Space.HasDpmSolverV3);
    }

    [Fact]
    public void A_flow_models_shifted_spacing_joins_the_baseline_spacings_once()
    {
        var spec = Wide with { BaselineSpacings = ["time-uniform"] };

        var onModel = SpecOnModel.ForModel(spec, "sd3", ["small"], statistics: null, ems: null, Spacing.FlowShift(3.0));

        Assert.Equal(["time-uniform", "flow-shift(3)"], onModel.BaselineSpacings.ToArray());
        Assert.Equal(onModel.BaselineSpacings.ToArray(), SpecOnModel.ForModel(onModel, "sd3", ["small"], statistics: null, ems: null, Spacing.FlowShift(3.0)).BaselineSpacings.ToArray());
        Assert.Equal(spec.BaselineSpacings.ToArray(), SpecOnModel.ForModel(spec, "sd15", ["small"], statistics: null).BaselineSpacings.ToArray());
    }

    private static SearchSpec WithWideSpace(SearchSpec spec) => spec with { Space = SearchSpace.Plain with { Teleport = true, Models = ["small"] } };
}
