using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Core.Formatting;
using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Export;
using ScheduleSearch.Search.Results;

namespace ScheduleSearch.Cli.Reports;

/// <summary>
/// <c>show --json</c>: one JSON document with FORMATS.md's stable keys (search, status, evaluations, cache_hits,
/// diverged, metric, per_nfe[].best / best_baseline) and more (reductions, top schedules, times; for a search with
/// measured model times, <c>cost</c>: ms per sample per network, the time budget, the best within it per NFE and the
/// time-vs-score front). Plain decimals only.
/// </summary>
public static class SummaryJson
{
    /// <summary>The document for <paramref name="summary"/> and its <paramref name="cost"/> (null: no measured times, no <c>cost</c> key).</summary>
    public static string Write(SearchResults summary, CostSummary? cost = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var s = summary.Search;
            w.WriteStartObject();
            w.WriteString("search", s.Name);
            w.WriteString("status", Status(s.Status));
            w.WriteNumber("evaluations", s.Evaluations);
            w.WriteNumber("cache_hits", s.CacheHits);
            w.WriteNumber("diverged", s.Diverged);
            w.WriteString("metric", summary.Metric);
            w.WriteNumber("budget", summary.Spec?.Budget.Evaluations ?? 0);
            w.WriteString("created", s.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("updated", s.Updated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            Number(w, "wall_time_s", Math.Max(0, (s.Updated - s.Created).TotalSeconds));
            Number(w, "compute_time_s", summary.ComputeTime.TotalSeconds);
            w.WriteString("database", summary.DatabasePath);
            w.WriteStartArray("per_nfe");
            foreach (var nfe in summary.PerNfe)
            {
                w.WriteStartObject();
                w.WriteNumber("nfe", nfe.Nfe);
                w.WriteNumber("evaluations", nfe.History.Count);
                if (nfe.Best is { } best)
                {
                    w.WriteStartObject("best");
                    Entry(w, best, withSchedule: true);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("best");
                }

                if (nfe.BestBaseline is { } baseline)
                {
                    w.WriteStartObject("best_baseline");
                    w.WriteString("name", baseline.Schedule.Name);
                    Entry(w, baseline, withSchedule: false);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("best_baseline");
                }

                Reduction(w, "reduction", nfe.Best?.Record.Score, nfe.BestBaseline?.Record.Score);
                Reduction(w, "heldout_reduction", nfe.Best?.HeldOut, nfe.BestBaseline?.HeldOut);
                w.WriteStartArray("top");
                foreach (var entry in nfe.Top)
                {
                    w.WriteStartObject();
                    Entry(w, entry, withSchedule: false);
                    w.WriteBoolean("baseline", entry.IsBaseline);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (cost is not null)
            {
                Cost(w, cost);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The status word of FORMATS.md.</summary>
    public static string Status(Storage.SearchStatus status) => status switch
    {
        Storage.SearchStatus.Running => "running",
        Storage.SearchStatus.Finished => "finished",
        Storage.SearchStatus.Interrupted => "interrupted",
        Storage.SearchStatus.Failed => "failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static void Entry(Utf8JsonWriter w, ScoredEntry entry, bool withSchedule)
    {
        Number(w, "score", entry.Record.Score);
        Number(w, "heldout", entry.HeldOut);
        Number(w, "heldout_se", entry.HeldOutStandardError);
        if (entry.Validation is { } validation)
        {
            // Only a racing search's winner has one: other entries keep the fields they had.
            Number(w, "validation", validation);
        }

        w.WriteString("key", entry.Record.ScheduleKey);
        w.WriteString("code", StepCodes.Of(entry.Schedule));
        w.WriteStartArray("timesteps");
        foreach (var t in entry.Schedule.Timesteps)
        {
            w.WriteRawValue(PlainDecimal.Format(t));
        }

        w.WriteEndArray();
        if (withSchedule)
        {
            w.WritePropertyName("schedule");
            w.WriteRawValue(Core.Schedules.ScheduleJson.Write(entry.Schedule));
        }
    }

    private static void Cost(Utf8JsonWriter w, CostSummary cost)
    {
        w.WriteStartObject("cost");
        w.WriteStartObject("ms_per_sample_per_call");
        foreach (var (network, ms) in cost.Times.MillisecondsPerSample)
        {
            Number(w, ModelCallTimes.Label(network), ms);
        }

        w.WriteEndObject();
        w.WriteString("device", cost.Times.Device);
        Number(w, "time_per_sample_ms", cost.Budget);
        Timed(w, "within_budget", cost.WithinBudget);
        Timed(w, "front", cost.Front);
        w.WriteEndObject();
    }

    private static void Timed(Utf8JsonWriter w, string name, IReadOnlyList<(ScoredEntry Entry, double Ms)> entries)
    {
        w.WriteStartArray(name);
        foreach (var (entry, ms) in entries)
        {
            w.WriteStartObject();
            w.WriteNumber("nfe", entry.Record.Nfe);
            Number(w, "ms_per_sample", ms);
            Entry(w, entry, withSchedule: false);
            w.WriteString("calls", ModelCalls.Describe(entry.Schedule));
            w.WriteBoolean("baseline", entry.IsBaseline);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Reduction(Utf8JsonWriter w, string name, double? found, double? baseline)
    {
        if (found is { } f && baseline is { } b && b > 0 && double.IsFinite(f) && double.IsFinite(b))
        {
            Number(w, name, 1.0 - (f / b));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WritePropertyName(name);
            w.WriteRawValue(PlainDecimal.Format(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
