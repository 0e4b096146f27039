using System.Text.Json;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>What the kill tests compare between an interrupted and an uninterrupted search.</summary>
public static class SearchOutcome
{
    /// <summary>Every evaluation of search <paramref name="name"/> as (schedule key, score, held-out score), ordered by schedule key.</summary>
    public static (string ScheduleKey, double Score, double? HeldOut)[] Scores(IScoreStore store, string name) =>
        [.. store.GetSearchEvaluations(name).Select(r => (r.ScheduleKey, r.Score, r.HeldOutScore)).OrderBy(p => p.ScheduleKey, StringComparer.Ordinal)];

    /// <summary>The best schedule per NFE as <c>show --json</c> prints it (key and held-out score), for the store named by <paramref name="storeOption"/> <paramref name="store"/>.</summary>
    public static string Best(string name, string storeOption, string store)
    {
        var show = CliRun.Run("show", name, storeOption, store, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using var doc = JsonDocument.Parse(show.Stdout);
        return string.Join(";", doc.RootElement.GetProperty("per_nfe").EnumerateArray().Select(n =>
            n.GetProperty("nfe").GetInt32() + ":" + n.GetProperty("best").GetProperty("key").GetString() + ":" + n.GetProperty("best").GetProperty("heldout").GetRawText()));
    }
}
