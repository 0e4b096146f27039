using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Core.Formatting;

namespace ScheduleSearch.Export;

/// <summary>
/// The base of every exporter: owns file naming (<c>&lt;search&gt;-nfe&lt;N&gt;.&lt;format&gt;.json</c>) and the JSON
/// plumbing (indented, invariant, no escaping of '+'); a derived class writes one winner's object.
/// </summary>
public abstract class ScheduleExporterBase : IScheduleExporter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The file name's ending after the search and NFE.</summary>
    protected virtual string FileSuffix => "." + Name + ".json";

    /// <summary>The default file name for the winners of <paramref name="searchName"/> at <paramref name="nfe"/>.</summary>
    public string GetFileName(string searchName, int nfe)
    {
        ArgumentNullException.ThrowIfNull(searchName);
        var safe = new string(searchName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray());
        return $"{safe}-nfe{nfe.ToString(System.Globalization.CultureInfo.InvariantCulture)}{FileSuffix}";
    }

    /// <summary>Writes the winners to <paramref name="path"/> and returns it.</summary>
    public string ExportToFile(IReadOnlyList<ExportedSchedule> winners, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Export(winners, writer);
        return path;
    }

    /// <summary>One winner as one JSON object; several winners as an array of them, best first.</summary>
    public void Export(IReadOnlyList<ExportedSchedule> winners, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(winners);
        ArgumentNullException.ThrowIfNull(writer);
        if (winners.Count == 0)
        {
            throw new ArgumentException("nothing to export", nameof(winners));
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            if (winners.Count == 1)
            {
                WriteOne(json, winners[0]);
            }
            else
            {
                json.WriteStartArray();
                foreach (var winner in winners)
                {
                    WriteOne(json, winner);
                }

                json.WriteEndArray();
            }
        }

        writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
        writer.Write('\n');
    }

    /// <summary>Writes one winner's document.</summary>
    protected abstract void WriteOne(Utf8JsonWriter json, ExportedSchedule winner);

    /// <summary>Writes an array of plain decimals (never exponent notation).</summary>
    protected static void WriteNumbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(values);
        // One raw array on one line: Utf8JsonWriter's own number formatting may choose exponent notation.
        json.WritePropertyName(name);
        json.WriteRawValue("[" + string.Join(", ", values.Select(PlainDecimal.Format)) + "]");
    }

    /// <summary>Writes a plain-decimal number property.</summary>
    protected static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WritePropertyName(name);
        json.WriteRawValue(PlainDecimal.Format(value));
    }

    /// <summary>
    /// Writes the "expected" object when <c>export</c> scored this format's approximation: the score the target's run
    /// reaches (the search's metric on its held-out set), the exact schedule's and the best baseline's beside it, and
    /// how it was run; or why it was not scored. Nothing when the winner carries no score for this format.
    /// </summary>
    protected void WriteExpected(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        if (winner.TargetScores.FirstOrDefault(s => s.Format == Name) is not { } target)
        {
            return;
        }

        json.WriteStartObject("expected");
        json.WriteString("metric", winner.Metric);
        if (winner.HeldOutSamples is { } samples)
        {
            json.WriteNumber("heldout_samples", samples);
        }

        WriteScore(json, "this_export", target.Value);
        WriteScore(json, "exact_schedule", winner.HeldOutScore);
        if (target.BestBaseline is { } baseline)
        {
            json.WriteStartObject("best_baseline");
            json.WriteString("name", baseline);
            WriteScore(json, "value", target.BestBaselineValue);
            json.WriteEndObject();
        }

        if (target.Run is { } run)
        {
            json.WriteString("run", run.Description);
            json.WriteBoolean("run_is_exact", run.Exact);
        }

        if (target.Why is { } why)
        {
            json.WriteString("not_scored", why);
        }

        json.WriteBoolean("no_better_than_best_baseline", target.NoBetterThanBaseline);
        json.WriteEndObject();
    }

    private static void WriteScore(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            WriteNumber(json, name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes the "provenance" object: search, rank, key and the scores (held-out first: it is the headline).</summary>
    protected static void WriteProvenance(Utf8JsonWriter json, ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(winner);
        json.WritePropertyName("provenance");
        json.WriteRawValue(ProvenanceJson(winner));
    }

    /// <summary>The provenance object as compact JSON.</summary>
    public static string ProvenanceJson(ExportedSchedule winner)
    {
        ArgumentNullException.ThrowIfNull(winner);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("search", winner.Search);
            json.WriteNumber("rank", winner.Rank);
            if (winner.Key is not null)
            {
                json.WriteString("key", winner.Key);
            }

            if (winner.HeldOutScore is { } heldOut && double.IsFinite(heldOut))
            {
                json.WriteStartObject("heldout");
                json.WriteString("metric", winner.Metric);
                WriteNumber(json, "value", heldOut);
                if (winner.HeldOutSamples is { } n)
                {
                    json.WriteNumber("samples", n);
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("score");
            json.WriteString("metric", winner.Metric);
            if (double.IsFinite(winner.Score))
            {
                WriteNumber(json, "value", winner.Score);
            }
            else
            {
                json.WriteNull("value");
            }

            json.WriteNumber("samples", winner.Samples);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
