using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Tests.Support;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.InProcess;

/// <summary>
/// Issue 23: DPM-Solver-v3 steps read the card's empirical model statistics, so the statistics' content is part of the
/// model's identity (every evaluation key and teacher reference is named from it): re-estimating them must not reuse
/// scores made with the old ones.
/// </summary>
public sealed class ModelIdentityTests
{
    [Fact]
    public void Naming_statistics_in_the_card_or_changing_their_content_gives_another_model_hash()
    {
        using var dir = new TempDirectory();
        var source = Path.GetDirectoryName(CliProcess.ToyCard)!;
        File.Copy(Path.Combine(source, "model.onnx"), dir.File("model.onnx"));
        var cardPath = dir.Write("model.json", File.ReadAllText(CliProcess.ToyCard));
        var card = ModelCardReader.Read(cardPath);
        var plain = ModelIdentity.ContentHash(card, cardPath);

        var noise = card.Schedule.Create();
        var ems = EmsStatistics.Degenerated(noise, card.SampleSize, noise.DefaultTStart, noise.DefaultTEnd, 12);
        EmsFile.Write(dir.File("ems.npz"), ems, card.SampleShape);
        ModelCardWriter.Write(card with { Ems = "ems.npz" }, cardPath);
        var named = ModelCardReader.Read(cardPath);
        var withEms = ModelIdentity.ContentHash(named, cardPath);

        // Same grid, one value of l changed: only the statistics file differs.
        var l = ems.L.ToArray();
        l[5] = 0.5;
        EmsFile.Write(dir.File("ems.npz"), new EmsStatistics(ems.Lambda.ToArray(), l, ems.S.ToArray(), ems.B.ToArray(), card.SampleSize), card.SampleShape);
        var reestimated = ModelIdentity.ContentHash(named, cardPath);

        Assert.Equal(3, new[] { plain, withEms, reestimated }.Distinct().Count());
        Assert.Equal(reestimated, ModelIdentity.ContentHash(ModelCardReader.Read(cardPath), cardPath));
    }
}
