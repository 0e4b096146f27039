using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>evaluate on the zoo's guided UNet with a spec's guidance and feature network given as options.</summary>
public sealed class EvaluateCommandTests
{
    private static readonly string Zoo = Path.Combine(CliProcess.RepositoryRoot, "models");

    [Fact]
    public void Evaluate_scores_fd_under_guidance_keeps_guided_and_unguided_scores_apart_and_reuses_each()
    {
        using var dir = new TempDirectory();
        var card = Path.Combine(Zoo, "fashion-unet-eps", "model.json");
        Assert.Equal(0, CliRun.Run("schedule", "preset", "dpm-solver++-2m", "--model", card, "--nfe", "5", "--out", dir.File("s.json")).ExitCode);
        var classifier = Path.Combine(Zoo, "fashion-classifier");
        string[] fd = ["evaluate", "--model", card, "--schedule", dir.File("s.json"), "--db", dir.File("e.db"), "--json", "--metric", "fd", "--samples", "32",
            "--features", Path.Combine(classifier, "features.onnx"), "--features-mean", Path.Combine(classifier, "features_mean.npy"),
            "--features-covariance", Path.Combine(classifier, "features_cov.npy")];

        var guided = Evaluate([.. fd, "--guidance", "3"]);
        var again = Evaluate([.. fd, "--guidance", "3"]);
        var unguided = Evaluate(fd);

        Assert.Equal("fd", guided.GetProperty("metric").GetString());
        var score = guided.GetProperty("score").GetDouble();
        Assert.True(score > 0 && double.IsFinite(score), score.ToString(CultureInfo.InvariantCulture));
        Assert.False(guided.GetProperty("cache_hit").GetBoolean());
        Assert.True(again.GetProperty("cache_hit").GetBoolean());
        Assert.Equal(score, again.GetProperty("score").GetDouble());

        // Guidance is part of the model's identity: the unguided run is scored afresh and samples something else.
        Assert.False(unguided.GetProperty("cache_hit").GetBoolean());
        Assert.NotEqual(score, unguided.GetProperty("score").GetDouble());
    }

    private static JsonElement Evaluate(string[] args)
    {
        var result = CliRun.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }
}
