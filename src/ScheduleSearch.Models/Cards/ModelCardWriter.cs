using System.Text;
using System.Text.Json;
using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Cards;

/// <summary>Writes model cards as indented JSON with every field of FORMATS.md (numbers in the invariant culture).</summary>
public static class ModelCardWriter
{
    /// <summary>The card as JSON text.</summary>
    public static string ToJson(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", CardNames.Format);
            writer.WriteString("name", card.Name);
            writer.WriteString("onnx", card.Onnx);
            writer.WritePropertyName("schedule");
            card.Schedule.Write(writer);
            writer.WriteStartObject("inputs");
            writer.WriteString("sample", card.Inputs.Sample);
            writer.WriteString("time", card.Inputs.Time);
            writer.WriteString("time_convention", CardNames.Name(card.Inputs.TimeConvention));
            WriteNullableString(writer, "class", card.Inputs.Class);
            if (card.Inputs.TimeConvention == TimeConvention.ContinuousT && card.Inputs.TimeScale != 1.0)
            {
                writer.WriteNumber("time_scale", card.Inputs.TimeScale);
            }

            if (card.Inputs.Conditioning.Count > 0)
            {
                WriteMap(writer, "conditioning", card.Inputs.Conditioning);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("output");
            writer.WriteString("name", card.Output.Name);
            writer.WriteString("parameterization", CardNames.Name(card.Output.Parameterization));
            writer.WriteEndObject();
            writer.WriteStartArray("sample_shape");
            foreach (var d in card.SampleShape)
            {
                writer.WriteNumberValue(d);
            }

            writer.WriteEndArray();
            if (card.Guidance is { } g)
            {
                writer.WriteStartObject("guidance");
                writer.WriteString("class_input", g.ClassInput);
                writer.WriteNumber("num_classes", g.NumClasses);
                writer.WriteNumber("null_class", g.NullClass);
                writer.WriteEndObject();
            }
            else if (card.Negative is { } negative)
            {
                writer.WriteStartObject("guidance");
                WriteMap(writer, "negative", negative);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("guidance");
            }

            if (card.Decoder is { } decoder)
            {
                writer.WriteStartObject("decoder");
                writer.WriteString("onnx", decoder.Onnx);
                writer.WriteString("input", decoder.Input);
                writer.WriteString("output", decoder.Output);
                writer.WriteNumber("scale", decoder.Scale);
                writer.WriteNumber("shift", decoder.Shift);
                writer.WriteEndObject();
            }

            WriteNullableString(writer, "statistics", card.Statistics);
            if (card.Ems is not null)
            {
                writer.WriteString("ems", card.Ems);
            }
            if (card.Variants.Count > 0)
            {
                writer.WriteStartArray("variants");
                foreach (var variant in card.Variants)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", variant.Name);
                    writer.WriteString("onnx", variant.Onnx);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the card to <paramref name="path"/>.</summary>
    public static void Write(ModelCard card, string path) => File.WriteAllText(path, ToJson(card));

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
