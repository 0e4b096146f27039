using System.Globalization;
using System.Runtime.CompilerServices;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;

namespace ScheduleSearch.Export.Tests;

/// <summary>
/// Golden files of every exporter (tests/ScheduleSearch.Export.Tests/Golden, beside this file), compared byte for byte under the
/// invariant culture and under de-DE, whose decimal comma must never reach a file.
/// </summary>
public sealed class ExporterGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var exporter in ScheduleExporters.Names)
        {
            foreach (var culture in new[] { "", "de-DE" })
            {
                data.Add(exporter, culture);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_text_matches_the_golden_file_in_any_culture(string format, string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo(culture);
        try
        {
            var writer = new StringWriter();
            ScheduleExporters.Get(format).Export(Winners(), writer);
            var actual = writer.ToString().ReplaceLineEndings("\n");
            var golden = Path.Combine(GoldenFolder(), $"{format}.json");
            if (!File.Exists(golden) && Environment.GetEnvironmentVariable("SCHEDULE_SEARCH_WRITE_GOLDEN") == "1")
            {
                File.WriteAllText(golden, actual);
            }

            Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n"), actual);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Plain_decimals_never_use_exponent_notation()
    {
        Assert.Equal("0.0000125", PlainDecimal.Format(1.25e-5));
        Assert.Equal("0.001", PlainDecimal.Format(1e-3));
        Assert.Equal("14.614641", PlainDecimal.Format(14.614641));
        Assert.Equal("-0.0000000003", PlainDecimal.Format(-3e-10));
        Assert.Equal("120000000000000000000", PlainDecimal.Format(1.2e20));
        Assert.Equal("0", PlainDecimal.Format(0.0));
        Assert.Equal(1.25e-5, double.Parse(PlainDecimal.Format(1.25e-5), CultureInfo.InvariantCulture));
    }

    /// <summary>The Golden folder in the source tree (not the build output), so SCHEDULE_SEARCH_WRITE_GOLDEN=1 writes new files where git sees them.</summary>
    private static string GoldenFolder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden");

    /// <summary>Two winners: UniPC-bh2-3 at NFE 5 (time-uniform) and a mixed schedule no single sampler can express.</summary>
    private static ExportedSchedule[] Winners()
    {
        var noise = VpDiscreteSchedule.Linear();
        var preset = PresetCatalog.Create("unipc-bh2-3", noise, 5, Spacing.TimeUniform);
        var mixed = new SamplerSchedule(
            "golden mixed",
            "vp-discrete",
            [1.0, 0.62, 0.35, 0.16, 0.05, 0.001],
            [
                new StepChoice { Order = 1, Prediction = Prediction.Noise },
                new StepChoice { Order = 2, Derivative = DerivativeForm.UniPcBh1, Corrector = CorrectorKind.UniC },
                new StepChoice { Order = 3, Derivative = DerivativeForm.UniPcBh1, Corrector = CorrectorKind.UniC },
                new StepChoice { Order = 2 },
                new StepChoice { Order = 1 },
            ]);
        return
        [
            new ExportedSchedule { Schedule = mixed, Noise = noise, Search = "golden", Rank = 1, Metric = "teacher-rmse", Score = 0.0123, Samples = 2048, HeldOutScore = 0.0131, HeldOutSamples = 1024, Key = "k1" },
            new ExportedSchedule { Schedule = preset, Noise = noise, Search = "golden", Rank = 2, Metric = "teacher-rmse", Score = 0.0311, Samples = 2048, Key = "k2" },
        ];
    }
}
