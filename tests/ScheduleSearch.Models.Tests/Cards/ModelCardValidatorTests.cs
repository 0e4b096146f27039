using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Cards;

public class ModelCardValidatorTests
{
    private static readonly TensorSignature[] Inputs =
    [
        new("x", TensorElementType.Float, [-1, 8]),
        new("sigma", TensorElementType.Float, [-1]),
    ];

    private static readonly TensorSignature[] Outputs = [new("x0", TensorElementType.Float, [-1, 8])];

    [Fact]
    public void A_matching_card_has_no_problems()
    {
        Assert.Empty(ModelCardValidator.FindProblems(ModelCardReader.Parse(CardText.Gmm8()), Inputs, Outputs));
    }

    [Fact]
    public void A_card_naming_a_missing_input_is_refused_naming_the_input()
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("\"sample\": \"x\"", "\"sample\": \"latent\"")));

        var problems = ModelCardValidator.FindProblems(card, Inputs, Outputs);

        Assert.Contains(problems, p => p.Contains("'latent'", StringComparison.Ordinal) && p.Contains("inputs.sample", StringComparison.Ordinal));
    }

    [Fact]
    public void A_card_whose_sample_shape_has_the_wrong_rank_is_refused_naming_the_input()
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("[8]", "[2, 4]")));

        var problems = ModelCardValidator.FindProblems(card, Inputs, Outputs);

        Assert.Contains(problems, p => p.Contains("input 'x' has rank 2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("output 'x0' has rank 2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fixed_dimension_that_differs_from_sample_shape_is_refused()
    {
        var card = ModelCardReader.Parse(CardText.Gmm8(j => j.Replace("[8]", "[9]")));

        var problems = ModelCardValidator.FindProblems(card, Inputs, Outputs);

        Assert.Contains(problems, p => p.Contains("dimension 1 fixed at 8", StringComparison.Ordinal));
    }

    [Fact]
    public void An_integer_sample_input_is_refused_naming_its_type()
    {
        TensorSignature[] inputs = [new("x", TensorElementType.Int64, [-1, 8]), Inputs[1]];

        var problems = ModelCardValidator.FindProblems(ModelCardReader.Parse(CardText.Gmm8()), inputs, Outputs);

        Assert.Contains(problems, p => p.Contains("input 'x' has element type int64", StringComparison.Ordinal));
    }

    [Fact]
    public void A_graph_input_the_card_does_not_name_is_refused()
    {
        TensorSignature[] inputs = [.. Inputs, new("mask", TensorElementType.Float, [-1])];

        var problems = ModelCardValidator.FindProblems(ModelCardReader.Parse(CardText.Gmm8()), inputs, Outputs);

        Assert.Contains(problems, p => p.Contains("'mask'", StringComparison.Ordinal));
    }

    [Fact]
    public void Opening_a_model_whose_card_names_a_wrong_input_fails_naming_it()
    {
        using var dir = new TempDirectory();
        GmmModelWriter.Write(TestMixtures.Random(2, 8, 3), dir.Path);
        File.WriteAllText(dir.File("model.json"), CardText.Gmm8(j => j.Replace("\"time\": \"sigma\"", "\"time\": \"t\"")));

        var e = Assert.Throws<ModelCardException>(() => OnnxDenoiser.Open(dir.File("model.json")));

        Assert.Contains("'t'", e.Message);
        Assert.Contains("inputs.time", e.Message);
    }
}
