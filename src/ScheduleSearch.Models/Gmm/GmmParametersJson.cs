using System.Text;
using System.Text.Json;
using ScheduleSearch.Core.Denoising;

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
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: expected a JSON object with weights, means and variances");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                throw new InvalidDataException($"{source}: unknown field '{property.Name}' (known fields: weights, means, variances)");
            }
        }

        JsonElement Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : throw new InvalidDataException($"{source}: missing required array field '{name}'");

        var weights = Numbers(Field("weights"), "weights", source);
        var means = Field("means").EnumerateArray().Select((row, i) => Numbers(row, $"means[{i}]", source)).ToArray();
        var variances = Field("variances").EnumerateArray().Select((row, i) => Numbers(row, $"variances[{i}]", source)).ToArray();
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

    private static double[] Numbers(JsonElement array, string name, string source)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source}: '{name}' must be an array of numbers");
        }

        return array.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Number
            ? e.GetDouble()
            : throw new InvalidDataException($"{source}: '{name}[{i}]' must be a number")).ToArray();
    }

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
