using System.Text;
using System.Text.Json;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>What a scorer records of a run that gives no score: samples that are not finite, and the error's details JSON.</summary>
internal static class RunChecks
{
    /// <summary>Samples (of <paramref name="count"/> rows of <paramref name="size"/> values) with a NaN or infinite value.</summary>
    public static int CountNonFinite(double[] x, int count, int size)
    {
        var bad = 0;
        for (var i = 0; i < count; i++)
        {
            foreach (var v in x.AsSpan(i * size, size))
            {
                if (!double.IsFinite(v))
                {
                    bad++;
                    break;
                }
            }
        }

        return bad;
    }

    /// <summary>The details of a failed or diverged run: <c>{"error": message, "nonfinite_samples": n}</c> (n where given).</summary>
    public static string ErrorJson(string message, int? nonFiniteSamples)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            if (nonFiniteSamples is { } n)
            {
                w.WriteNumber("nonfinite_samples", n);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
