using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Search.Specs;

/// <summary>Reads a spec's "objective" block and the space's "models" list (issue 9's cost objective).</summary>
internal static class ObjectiveSpecReader
{
    /// <summary>The fields an "objective" block may have.</summary>
    public static readonly string[] Fields = ["kind", "time_per_sample_ms"];

    /// <summary>Reads { "kind": "score" | "time-budget", "time_per_sample_ms": X } (X required for, and only for, time-budget).</summary>
    public static ObjectiveSpec Read(StrictJsonObject f)
    {
        var kind = f.String("kind");
        switch (kind)
        {
            case ObjectiveSpec.ScoreKind:
                return f.Has("time_per_sample_ms")
                    ? throw f.Error(f.FieldPath("time_per_sample_ms"), "is only for kind \"time-budget\"")
                    : ObjectiveSpec.Score;
            case ObjectiveSpec.TimeBudgetKind:
                return new ObjectiveSpec { Kind = kind, TimePerSampleMs = f.Double("time_per_sample_ms", 0.0) };
            default:
                throw f.Error(f.FieldPath("kind"), $"unknown objective \"{kind}\"; expected score or time-budget");
        }
    }

    /// <summary>Reads the space's "models": the card's variant names steps may run on besides the primary network.</summary>
    public static string[] Models(StrictJsonObject f)
    {
        var names = f.Strings("models");
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is "primary")
            {
                throw f.Error($"{f.FieldPath("models")}[{i}]", "names the primary network, which every step may use anyway; list only the card's variants");
            }
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}
