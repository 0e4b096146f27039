using System.Text;
using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Json;

namespace ScheduleSearch.Models.Gmm;

/// <summary>
/// Reads and writes the analytic GMM parameters of FORMATS.md: <c>{ "weights": [K], "means": [[D] x K], "variances": [[D] x K] }</c>.
/// Unknown and missing fields are refused by name.
/// </summary>
public static class GmmParametersJson
{
    private static readonly string[] Fields = ["weights", "means", "variances"];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static GaussianMixture Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses JSON text; <paramref name="source"/> names it in errors.</summary>
    public static GaussianMixture Parse(string json, string source = "GMM parameters")
    {
        using var document = JsonDocument.Parse(json);
        var root = new StrictJsonObject(document.RootElement, string.Empty, source, GmmJsonDialect.Instance, Fields);
        var weights = Numbers(root, root.RequiredArray("weights"), "weights");
        var means = root.RequiredArray("means").Select((row, i) => Numbers(root, Rows(root, row, $"means[{i}]"), $"means[{i}]")).ToArray();
        var variances = root.RequiredArray("variances").Select((row, i) => Numbers(root, Rows(root, row, $"variances[{i}]"), $"variances[{i}]")).ToArray();
        try
        {
            return new GaussianMixture(weights, means, variances);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>The mixture as JSON text (shortest round-trip numbers, invariant culture).</summary>
    public static string ToJson(GaussianMixture mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteRow(writer, "weights", mixture.Weights);
            WriteRows(writer, "means", mixture.Means);
            WriteRows(writer, "variances", mixture.Variances);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the mixture to <paramref name="path"/>.</summary>
    public static void Write(GaussianMixture mixture, string path) => File.WriteAllText(path, ToJson(mixture));

    private static IReadOnlyList<JsonElement> Rows(StrictJsonObject root, JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Array
            ? row.EnumerateArray().ToArray()
            : throw root.Dialect.WrongType(root.Source, name, row, JsonExpectation.Array);

    private static double[] Numbers(StrictJsonObject root, IReadOnlyList<JsonElement> items, string name) =>
        items.Select((e, i) => root.AsDouble(e, $"{name}[{i}]")).ToArray();

    private static void WriteRow(Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }

    private static void WriteRows(Utf8JsonWriter writer, string name, IEnumerable<double[]> rows)
    {
        writer.WriteStartArray(name);
        foreach (var row in rows)
        {
            writer.WriteStartArray();
            foreach (var v in row)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }
}
