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
    /// The standard error of teacher-mean-rmse (the mean of the per-sample RMSEs): their sample standard deviation over
    /// sqrt(n); null without a teacher or with one sample.
    /// </summary>
    public double? MeanRmseStandardError { get; init; }

    /// <summary>
    /// The standard error of teacher-rmse, sqrt(M) with M the mean of the per-sample mean squared errors m_i, by the
    /// delta method: sd(m_i) / sqrt(n) / (2 sqrt(M)); null without a teacher or with one sample. Mode flips make m_i
    /// heavy-tailed, so read it as a scale of the noise, not a calibrated interval.
    /// </summary>
    public double? RmseStandardError { get; init; }

    /// <summary>
    /// The standard error stored in <paramref name="detailsJson"/> (<see cref="ToJson"/>'s form) for the metric called
    /// <paramref name="metric"/>: teacher-rmse and teacher-mean-rmse have one; other metrics, and scores stored before
    /// it was recorded, have none (null).
    /// </summary>
    public static double? StandardErrorOf(string? detailsJson, string metric)
    {
        var field = metric switch
        {
            "teacher-rmse" => "rmse_se",
            "teacher-mean-rmse" => "mean_rmse_se",
            _ => null,
        };
        if (field is null || string.IsNullOrEmpty(detailsJson))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(detailsJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(field, out var value) && value.TryGetDouble(out var se) ? se : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

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
        double? median = null, worst = null, flips = null, medianNll = null, meanRmseSe = null, rmseSe = null;
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

            (meanRmseSe, rmseSe) = StandardErrors(rmse, squared);
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

        return new RobustSummary
        {
            MedianError = median, Worst5Share = worst, FlipRate = flips, MedianNll = medianNll, MeanRmseStandardError = meanRmseSe, RmseStandardError = rmseSe,
        };
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
            Write(w, "mean_rmse_se", MeanRmseStandardError);
            Write(w, "rmse_se", RmseStandardError);
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

    /// <summary>The standard errors of the mean of <paramref name="rmse"/> and of sqrt(mean of <paramref name="squared"/>) (see the properties).</summary>
    private static (double? MeanRmse, double? Rmse) StandardErrors(double[] rmse, double[] squared)
    {
        var n = rmse.Length;
        if (n < 2)
        {
            return (null, null);
        }

        static (double Mean, double Sd) MeanSd(double[] values)
        {
            var mean = values.Average();
            var sum = 0.0;
            foreach (var v in values)
            {
                sum += (v - mean) * (v - mean);
            }

            return (mean, Math.Sqrt(sum / (values.Length - 1)));
        }

        var (_, sdRmse) = MeanSd(rmse);
        var (meanSquared, sdSquared) = MeanSd(squared);
        var root = Math.Sqrt(meanSquared);
        return (sdRmse / Math.Sqrt(n), root > 0.0 ? sdSquared / Math.Sqrt(n) / (2.0 * root) : 0.0);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }
}
