using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Gmm;

public class GmmModelWriterTests
{
    [Theory]
    [InlineData("vp-discrete", typeof(VpDiscreteSchedule))]
    [InlineData("vp-linear", typeof(VpLinearSchedule))]
    [InlineData("edm", typeof(EdmSchedule))]
    [InlineData("flow", typeof(FlowSchedule))]
    public void The_writer_produces_a_card_with_ve_sigma_inputs_under_the_requested_schedule(string kind, Type scheduleType)
    {
        using var dir = new TempDirectory();

        var card = GmmModelWriter.Write(TestMixtures.Random(2, 3, 1), dir.Path, kind, "g");

        Assert.True(File.Exists(dir.File("model.onnx")));
        Assert.True(File.Exists(dir.File("params.json")));
        Assert.Equal(TimeConvention.VeSigma, card.Inputs.TimeConvention);
        Assert.Equal(Parameterization.VeDenoiser, card.Output.Parameterization);
        Assert.IsType(scheduleType, card.Schedule.Create());
        using var denoiser = OnnxDenoiser.Open(card);
        Assert.Equal(3, denoiser.SampleSize);
    }

    [Fact]
    public void The_built_in_gmm_toy_8_card_matches_its_graph_and_its_parameters()
    {
        var models = Path.Combine(AppContext.BaseDirectory, "models", "gmm-toy-8");

        using var denoiser = OnnxDenoiser.Open(Path.Combine(models, "model.json"));
        var mixture = GmmParametersJson.Read(Path.Combine(models, "params.json"));

        Assert.Equal(mixture.Dimension, denoiser.SampleSize);
        Assert.Equal("vp-discrete", denoiser.Schedule.Kind);
    }
}
