using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Tests.Support;

namespace ScheduleSearch.Models.Tests.Cards;

public class ModelCardReaderTests
{
    [Fact]
    public void A_valid_card_is_read_with_every_field()
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(), "card", "/models/x");

        Assert.Equal("test-gmm", card.Name);
        Assert.Equal(Path.GetFullPath("/models/x/model.onnx"), card.OnnxPath);
        Assert.Equal(TimeConvention.VeSigma, card.Inputs.TimeConvention);
        Assert.Equal(Parameterization.VeDenoiser, card.Output.Parameterization);
        Assert.Equal([8], card.SampleShape);
        Assert.Null(card.Guidance);
    }

    [Fact]
    public void An_unknown_parameterization_is_refused_naming_it()
    {
        var text = CardText.Gmm8(j => j.Replace("\"ve-denoiser\"", "\"score\""));

        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text));

        Assert.Contains("'score'", e.Message);
        Assert.Contains("output.parameterization", e.Message);
    }

    [Fact]
    public void An_unknown_time_convention_is_refused_naming_it()
    {
        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("\"ve-sigma\"", "\"log-snr\""))));

        Assert.Contains("'log-snr'", e.Message);
    }

    [Fact]
    public void An_unknown_field_is_refused_with_its_path()
    {
        var text = CardText.Gmm8(j => j.Replace("\"class\": null", "\"class\": null, \"mask\": \"m\""));

        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text));

        Assert.Contains("'inputs.mask'", e.Message);
    }

    [Fact]
    public void A_missing_required_field_is_refused_with_its_path()
    {
        var text = CardText.Gmm8(j => j.Replace("\"time\": \"sigma\", ", string.Empty));

        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text));

        Assert.Contains("'inputs.time'", e.Message);
    }

    [Fact]
    public void A_wrong_format_tag_is_refused()
    {
        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("model@1", "model@2"))));

        Assert.Contains("schedule-search/model@2", e.Message);
    }

    [Fact]
    public void Discrete_index_time_needs_a_discrete_schedule()
    {
        var text = CardText.Gmm8(j => j
            .Replace("\"kind\": \"vp-discrete\", \"betas\": \"linear\", \"beta_start\": 0.0001, \"beta_end\": 0.02, \"train_steps\": 1000", "\"kind\": \"edm\"")
            .Replace("ve-sigma", "discrete-index")
            .Replace("ve-denoiser", "epsilon"));

        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text));

        Assert.Contains("discrete-index", e.Message);
    }

    [Fact]
    public void V_prediction_cannot_go_with_ve_sigma_inputs()
    {
        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("\"ve-denoiser\"", "\"v\""))));

        Assert.Contains("ve-sigma", e.Message);
    }

    [Theory]
    [InlineData("linear", BetaSchedule.Linear)]
    [InlineData("scaled_linear", BetaSchedule.ScaledLinear)]
    [InlineData("squaredcos_cap_v2", BetaSchedule.SquaredCosCapV2)]
    public void Each_beta_schedule_becomes_the_core_discrete_schedule(string betas, BetaSchedule expected)
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("\"betas\": \"linear\"", $"\"betas\": \"{betas}\"")));

        var schedule = Assert.IsType<VpDiscreteSchedule>(card.Schedule.Create());
        var reference = VpDiscreteSchedule.FromBetas(expected, 1e-4, 0.02, 1000);
        Assert.Equal(reference.Alpha(0.5), schedule.Alpha(0.5), 15);
    }

    [Fact]
    public void Vp_linear_edm_and_flow_blocks_become_their_core_schedules()
    {
        string With(string block) => CardText.Gmm8(j => j.Replace(
            "{ \"kind\": \"vp-discrete\", \"betas\": \"linear\", \"beta_start\": 0.0001, \"beta_end\": 0.02, \"train_steps\": 1000 }", block));

        var vp = Assert.IsType<VpLinearSchedule>(ModelCardReader.Parse(With("{ \"kind\": \"vp-linear\", \"beta_0\": 0.2, \"beta_1\": 10 }")).Schedule.Create());
        var edm = Assert.IsType<EdmSchedule>(ModelCardReader.Parse(With("{ \"kind\": \"edm\", \"sigma_data\": 1.0 }")).Schedule.Create());
        Assert.IsType<FlowSchedule>(ModelCardReader.Parse(With("{ \"kind\": \"flow\" }")).Schedule.Create());
        Assert.Equal(10.0, vp.Beta1);
        Assert.Equal(1.0, edm.SigmaData);
        Assert.Equal(80.0, edm.TMax);
    }

    [Fact]
    public void A_schedule_field_of_another_kind_is_refused()
    {
        var text = CardText.Gmm8(j => j.Replace("\"train_steps\": 1000", "\"train_steps\": 1000, \"sigma_data\": 0.5"));

        var e = Assert.Throws<ModelCardException>(() => ModelCardReader.Parse(text));

        Assert.Contains("'schedule.sigma_data'", e.Message);
    }

    [Fact]
    public void A_written_card_reads_back_equal()
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(j => j.Replace(
            "\"guidance\": null", "\"guidance\": { \"class_input\": \"y\", \"num_classes\": 10, \"null_class\": 10 }")));

        var again = ModelCardReader.Parse(ModelCardWriter.ToJson(card));

        Assert.Equal(card.Guidance, again.Guidance);
        Assert.Equal(card.Schedule, again.Schedule);
        Assert.Equal(card.Inputs, again.Inputs);
        Assert.Equal(card.Output, again.Output);
    }
}
