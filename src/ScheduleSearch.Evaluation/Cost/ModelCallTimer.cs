using System.Collections.Immutable;
using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Evaluation.Cost;

/// <summary>
/// Measures each model variant's time per sample of one call on the current device, the way the evaluator calls it:
/// one <see cref="IDenoiser.Predict"/> over the evaluation batch (an ONNX denoiser with guidance doubles the rows
/// inside that call, so guidance is measured, not assumed). Warm-up calls first, then the median of timed calls,
/// the variants taking turns so that a change in the machine's load hits them alike.
/// </summary>
public static class ModelCallTimer
{
    /// <summary>
    /// Times <paramref name="primary"/> and every network in <paramref name="variants"/> at <paramref name="batch"/>
    /// samples per call: <paramref name="warmup"/> untimed calls each, then the median of <paramref name="repeats"/>,
    /// timed by <paramref name="clock"/> (default: the system's).
    /// </summary>
    public static ModelCallTimes Measure(
        IDenoiser primary,
        IReadOnlyDictionary<string, IDenoiser>? variants,
        int batch,
        int warmup = 2,
        int repeats = 7,
        string device = "",
        TimeProvider? clock = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        clock ??= TimeProvider.System;
        var networks = new List<(string Name, IDenoiser Model)> { (ModelCallTimes.Primary, primary) };
        networks.AddRange((variants ?? new Dictionary<string, IDenoiser>()).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value)));
        var size = primary.SampleSize;
        var x = new double[batch * size];
        var rng = new Random(0);
        for (var i = 0; i < x.Length; i++)
        {
            // Unit-variance noise: the state at the start of sampling on a variance-preserving schedule.
            x[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
        }

        var t = 0.5 * (primary.Schedule.DefaultTStart + primary.Schedule.DefaultTEnd);
        var x0 = new double[x.Length];
        var eps = new double[x.Length];
        var samples = networks.Select(_ => new double[repeats]).ToArray();
        for (var r = -warmup; r < repeats; r++)
        {
            for (var k = 0; k < networks.Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = clock.GetTimestamp();
                networks[k].Model.Predict(x, batch, t, x0, eps);
                if (r >= 0)
                {
                    samples[k][r] = clock.GetElapsedTime(start).TotalMilliseconds / batch;
                }
            }
        }

        return new ModelCallTimes
        {
            MillisecondsPerSample = networks.Select((n, k) => KeyValuePair.Create(n.Name, Median(samples[k])))
                .ToImmutableSortedDictionary(StringComparer.Ordinal),
            Batch = batch,
            Device = device,
        };
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
