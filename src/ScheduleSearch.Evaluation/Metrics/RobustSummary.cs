using System.Text;
using System.Text.Json;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Robust summaries beside the score (SEARCH-NOTES.md section 1): whether a gain is broad or comes from a few
/// samples. Written into <see cref="ScoredSchedule.DetailsJson"/>.
/// </summary>
public sealed record RobustSummary
{
    /// <summary>The median over samples of the per-sample RMSE against the teacher, or null without a teacher.</summary>
    public double? MedianError { get; init; }

    /// <summary>The share of the total squared error carried by the worst 5% of samples (0 when there is no error), or null.</summary>
    public double? Worst5Share { get; init; }

    /// <summary>The fraction of samples whose most likely mixture component differs from the teacher's (GMM models), or null.</summary>
    public double? FlipRate { get; init; }

    /// <summary>The median per-sample negative log-likelihood under the true mixture (GMM models), or null.</summary>
    public double? MedianNll { get; init; }

    /// <summary>
    /// Summarises <paramref name="count"/> samples against the teacher's samples (empty: none) and, for a GMM model,
    /// the mixture; <paramref name="teacherComponents"/> are the teacher's most likely components (computed here when null).
    /// </summary>
    public static RobustSummary Compute(
        ReadOnlySpan<double> samples,
        int count,
        int sampleSize,
        ReadOnlySpan<double> teacher,
        MixtureLikelihood? mixture,
        IReadOnlyList<int>? teacherComponents = null)
    {
        double? median = null, worst = null, flips = null, medianNll = null;
        var hasTeacher = count > 0 && teacher.Length >= count * sampleSize;
        if (hasTeacher)
        {
            var rmse = new double[count];
            var squared = new double[count];
            for (var i = 0; i < count; i++)
            {
                rmse[i] = SampleErrors.Rmse(samples.Slice(i * sampleSize, sampleSize), teacher.Slice(i * sampleSize, sampleSize));
                squared[i] = rmse[i] * rmse[i];
            }

            median = Median(rmse);
            Array.Sort(squared);
            var total = squared.Sum();
            var top = (int)Math.Ceiling(0.05 * count);
            var tail = 0.0;
            for (var i = count - top; i < count; i++)
            {
                tail += squared[i];
            }

            worst = total > 0.0 ? tail / total : 0.0;
        }

        if (mixture is not null && count > 0)
        {
            var nll = new double[count];
            var flipped = 0;
            for (var i = 0; i < count; i++)
            {
                nll[i] = -mixture.LogLikelihood(samples.Slice(i * sampleSize, sampleSize), out var own);
                if (hasTeacher)
                {
                    var reference = 0;
                    if (teacherComponents is null)
                    {
                        mixture.LogLikelihood(teacher.Slice(i * sampleSize, sampleSize), out reference);
                    }

                    flipped += own == (teacherComponents?[i] ?? reference) ? 0 : 1;
                }
            }

            medianNll = Median(nll);
            flips = hasTeacher ? (double)flipped / count : null;
        }

        return new RobustSummary { MedianError = median, Worst5Share = worst, FlipRate = flips, MedianNll = medianNll };
    }

    /// <summary>The summary as a compact JSON object with the fields present (snake_case names), e.g. {"median_error":0.01,...}.</summary>
    public string ToJson(int samples)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("samples", samples);
            Write(w, "median_error", MedianError);
            Write(w, "worst5_share", Worst5Share);
            Write(w, "flip_rate", FlipRate);
            Write(w, "median_nll", MedianNll);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }
}
