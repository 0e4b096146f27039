using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScheduleSearch.Cli.Reports.Html;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Reports.Html;

/// <summary>The report's sample grids: drawn for image models only, one PNG per teacher, best found and best baseline.</summary>
public sealed partial class SampleGridsTests
{
    [Theory]
    [InlineData(new[] { 64 }, false)]
    [InlineData(new[] { 8 }, false)]
    [InlineData(new[] { 784 }, true)]
    [InlineData(new[] { 1, 8, 8 }, true)]
    [InlineData(new[] { 3, 16, 16 }, true)]
    [InlineData(new[] { 4, 7, 7 }, false)] // latents: drawn only through the card's decoder
    public void Only_image_shaped_samples_are_drawn(int[] sampleShape, bool drawn) =>
        Assert.Equal(drawn, SampleGrids.ImageShapeOf(sampleShape) is not null);

    [Fact]
    public void A_report_on_an_image_model_holds_the_teacher_best_and_baseline_grids_of_the_first_held_out_draws()
    {
        using var folder = new TempDirectory();
        var card = ImageMixture(folder);
        var spec = folder.Write("img.search.json", Spec("img", card, nfe: 3, samples: 32, evaluations: 12, "\"ddim\", \"dpm-solver++-2m\""));
        Assert.Equal(0, CliRun.Run("run", spec, "--db", folder.File("img.db")).ExitCode);

        var report = CliRun.Run("report", "img", "--db", folder.File("img.db"), "--out", folder.File("img.html"), "--samples", "4");
        Assert.True(report.ExitCode == 0, report.ToString());
        var html = File.ReadAllText(folder.File("img.html"));
        var figures = Figure().Matches(html);
        Assert.Equal(["teacher", "best", "baseline"], figures.Select(m => m.Groups["role"].Value));
        foreach (Match figure in figures)
        {
            var png = Convert.FromBase64String(figure.Groups["png"].Value);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            // 4 samples of 28 x 28 at scale 2 in a 2 x 2 grid with 2-pixel gaps.
            Assert.Equal(2 + (2 * ((28 * 2) + 2)), BigEndian(png, 16));
        }

        var none = CliRun.Run("report", "img", "--db", folder.File("img.db"), "--out", folder.File("none.html"), "--samples", "0");
        Assert.Equal(0, none.ExitCode);
        Assert.DoesNotContain("<figure", File.ReadAllText(folder.File("none.html")), StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Run("report", "img", "--db", folder.File("img.db"), "--samples", "65").ExitCode);
    }

    [Fact]
    public void A_dpm_solver_v3_best_baseline_is_drawn_with_the_cards_model_statistics()
    {
        using var folder = new TempDirectory();
        var card = ImageMixture(folder);
        var stats = CliRun.Run("model", "stats", card, "--ems", "--gmm", folder.File("params.json"), "--samples", "64", "--batch", "64", "--grid", "40");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        var spec = folder.Write("v3.search.json", Spec("v3", card, nfe: 4, samples: 16, evaluations: 6, "\"dpm-solver-v3\""));
        Assert.Equal(0, CliRun.Run("run", spec, "--db", folder.File("v3.db")).ExitCode);

        // The report runs the best baseline again for its grid: without the card's EMS statistics it used to fail.
        var report = CliRun.Run("report", "v3", "--db", folder.File("v3.db"), "--out", folder.File("v3.html"), "--samples", "4");
        Assert.True(report.ExitCode == 0, report.ToString());
        var html = File.ReadAllText(folder.File("v3.html"));
        Assert.Contains("baseline", Figure().Matches(html).Select(m => m.Groups["role"].Value));

        // Its json export box says the statistics are in files the page cannot hold, and which command writes them.
        Assert.Contains("DPM-Solver-v3 statistics (its v3 steps), which the Python package takes from files beside the schedule file, not from this text: run schedule-search export &quot;v3&quot; --nfe 4 --format json", html, StringComparison.Ordinal);
    }

    /// <summary>A small search spec on <paramref name="card"/> (teacher DPM-Solver++ 3M at 20 NFE, default strategy).</summary>
    private static string Spec(string name, string card, int nfe, int samples, int evaluations, string baselines) => $$"""
        {
          "format": "schedule-search/search@1",
          "name": "{{name}}",
          "model": "{{card.Replace("\\", "\\\\", StringComparison.Ordinal)}}",
          "nfe": [{{nfe}}],
          "metric": { "kind": "teacher-rmse", "samples": {{samples}}, "seed": 0, "heldout": { "samples": {{samples}}, "seed": 1 },
                      "teacher": { "preset": "dpm-solver++-3m", "nfe": 20, "spacing": "logsnr-uniform" } },
          "strategy": { "kind": "default", "population": 4, "seed": 0 },
          "budget": { "evaluations": {{evaluations}} },
          "baselines": [{{baselines}}]
        }
        """;

    /// <summary>A two-component mixture over 784 values (a flat 28 x 28 image), written with <c>model gmm</c>.</summary>
    private static string ImageMixture(TempDirectory folder)
    {
        var means = new[] { Enumerable.Range(0, 784).Select(i => Math.Sin(i * 0.1) * 0.5).ToArray(), Enumerable.Range(0, 784).Select(i => Math.Cos(i * 0.05) * 0.5).ToArray() };
        var variances = new[] { Enumerable.Repeat(0.05, 784).ToArray(), Enumerable.Repeat(0.02, 784).ToArray() };
        var parameters = folder.Write("params.json", JsonSerializer.Serialize(new { weights = new[] { 0.5, 0.5 }, means, variances }));
        var made = CliRun.Run("model", "gmm", "--params", parameters, "--out", folder.File("img-model"));
        Assert.True(made.ExitCode == 0, made.ToString());
        return folder.File(Path.Combine("img-model", "model.json"));
    }

    private static int BigEndian(byte[] bytes, int offset) => int.Parse(Convert.ToHexString(bytes, offset, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex("<figure data-role=\"(?<role>[a-z]+)\"><img alt=\"[^\"]*\" src=\"data:image/png;base64,(?<png>[A-Za-z0-9+/=]+)\">")]
    private static partial Regex Figure();
}
