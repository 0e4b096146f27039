using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Zoo.Tests.Support;

namespace ScheduleSearch.Models.Zoo.Tests;

public class ZooCardTests
{
    [Theory]
    [InlineData("fashion-unet-eps")]
    [InlineData("fashion-unet-v")]
    [InlineData("fashion-flow")]
    public void Each_shipped_card_loads_and_validates_against_its_onnx_file(string name)
    {
        var card = ModelCardReader.Read(ZooModels.Card(name));
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { IntraOpThreads = 1 });

        Assert.Equal(name, card.Name);
        Assert.Equal([1, 28, 28], card.SampleShape);
        Assert.Equal(784, denoiser.SampleSize);
        Assert.Empty(ModelCardValidator.FindProblems(card, denoiser.Inputs, denoiser.Outputs));
        Assert.All(denoiser.Inputs.Where(i => i.Name == card.Inputs.Sample), s => Assert.True(s.Dimensions[0] <= 0, "the batch axis is free"));
    }

    [Theory]
    [InlineData("fashion-unet-eps", Parameterization.Epsilon, "vp-discrete", BetaSchedule.Linear, TimeConvention.DiscreteIndex)]
    [InlineData("fashion-unet-v", Parameterization.V, "vp-discrete", BetaSchedule.SquaredCosCapV2, TimeConvention.DiscreteIndex)]
    [InlineData("fashion-flow", Parameterization.Flow, "flow", BetaSchedule.Linear, TimeConvention.ContinuousT)]
    public void Each_card_declares_the_parameterisation_and_schedule_its_network_was_trained_with(
        string name, Parameterization parameterization, string kind, BetaSchedule betas, TimeConvention convention)
    {
        var card = ModelCardReader.Read(ZooModels.Card(name));

        Assert.Equal(parameterization, card.Output.Parameterization);
        Assert.Equal(kind, card.Schedule.Kind);
        Assert.Equal(convention, card.Inputs.TimeConvention);
        if (kind == VpDiscreteSchedule.KindName)
        {
            Assert.Equal(betas, card.Schedule.Betas);
            Assert.Equal(1000, card.Schedule.TrainSteps);
        }
    }

    [Fact]
    public void Only_the_epsilon_network_is_class_conditional_with_a_null_class_for_guidance()
    {
        var eps = ModelCardReader.Read(ZooModels.Card("fashion-unet-eps"));

        Assert.Equal(new GuidanceSpec("y", 10, 10), eps.Guidance);
        Assert.Equal("y", eps.ClassInput);
        Assert.Null(ModelCardReader.Read(ZooModels.Card("fashion-unet-v")).ClassInput);
        Assert.Null(ModelCardReader.Read(ZooModels.Card("fashion-flow")).ClassInput);
    }

    [Theory]
    [InlineData("fashion-unet-eps")]
    [InlineData("fashion-unet-v")]
    [InlineData("fashion-flow")]
    [InlineData("fashion-classifier")]
    public void No_shipped_onnx_file_is_larger_than_eight_megabytes(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "models", name);
        var files = Directory.GetFiles(folder, "*.onnx");

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 8L * 1024 * 1024, $"{f} is {new FileInfo(f).Length} bytes"));
    }
}
