using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>The spec's guidance block in the CLI: part of the model's identity, and checked against the card.</summary>
public sealed class SamplingSpecTests
{
    [Fact]
    public void Without_guidance_the_model_keeps_its_content_hash_so_stored_keys_stay_valid()
    {
        Assert.Equal("abc", ModelIdentity.WithGuidance("abc", SampleGuidance.None));
        Assert.Equal("abc", ModelIdentity.WithGuidance("abc", new SampleGuidance { Scale = 1.0 }));
    }

    [Fact]
    public void Another_guidance_scale_or_other_classes_give_another_model_identity()
    {
        var three = ModelIdentity.WithGuidance("abc", new SampleGuidance { Scale = 3.0 });
        var threeListed = ModelIdentity.WithGuidance("abc", new SampleGuidance { Scale = 3.0, Classes = [0, 1] });
        var two = ModelIdentity.WithGuidance("abc", new SampleGuidance { Scale = 2.0 });
        var oneListed = ModelIdentity.WithGuidance("abc", new SampleGuidance { Classes = [4] });

        Assert.Equal(5, new[] { "abc", three, threeListed, two, oneListed }.Distinct().Count());
        Assert.Equal(three, ModelIdentity.WithGuidance("abc", new SampleGuidance { Scale = 3.0 }));
    }

    [Fact]
    public void Run_with_guidance_on_a_card_without_a_guidance_block_is_bad_input_naming_guidance()
    {
        using var dir = new TempDirectory();
        var spec = TinySearch.Spec("guided toy", 10, ",\n  \"guidance\": { \"scale\": 3 }");

        var result = CliRun.Run("run", dir.Write("bad.search.json", spec), "--db", dir.File("x.db"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("guidance: model card 'gmm-toy-8' has no guidance block", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.db")), "bad input created the database");
    }
}
