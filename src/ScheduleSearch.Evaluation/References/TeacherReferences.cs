using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Solvers;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.References;

/// <summary>
/// Computes the teacher reference (the noise set solved by the teacher schedule) once per model, teacher and
/// noise set, keeps it in the score store and reads it back on later runs.
/// </summary>
public static class TeacherReferences
{
    private static readonly ConcurrentDictionary<string, Lock> Computing = new(StringComparer.Ordinal);

    /// <summary>The canonical JSON of a teacher spec (fields sorted), part of metric specs and reference names.</summary>
    public static string CanonicalJson(TeacherSpec teacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        // The time range only appears when it differs from the model's default, so default references keep their names.
        var range = string.Create(
            CultureInfo.InvariantCulture,
            $"{(teacher.TEnd is { } end ? $",\"t_end\":{end:R}" : string.Empty)}{(teacher.TStart is { } start ? $",\"t_start\":{start:R}" : string.Empty)}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"nfe\":{teacher.Nfe},\"preset\":\"{JsonText(teacher.Preset)}\",\"spacing\":\"{JsonText(teacher.Spacing)}\"{range}}}");
    }

    /// <summary>The store name of the reference: "teacher-" and the SHA-256 of model hash, teacher spec and noise spec.</summary>
    public static string NameOf(string modelContentHash, TeacherSpec teacher, NoiseSpec noise)
    {
        ArgumentNullException.ThrowIfNull(modelContentHash);
        ArgumentNullException.ThrowIfNull(noise);
        var text = $"schedule-search/teacher@1\n{modelContentHash}\n{CanonicalJson(teacher)}\n{noise.ToCanonicalJson()}";
        return "teacher-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The teacher's schedule on this model (the preset at its NFE and spacing, over the model's default time range).</summary>
    public static SamplerSchedule Schedule(IDenoiser denoiser, TeacherSpec teacher, int? nfe = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(teacher);
        return PresetCatalog.Create(teacher.Preset, denoiser.Schedule, nfe ?? teacher.Nfe, Spacing.Parse(teacher.Spacing), teacher.TStart, teacher.TEnd);
    }

    /// <summary>
    /// Reads the reference from <paramref name="store"/>, or computes it (and, when <paramref name="verify"/>, its
    /// accuracy against twice the steps) and stores it. Cancellation stops between steps and stores nothing.
    /// </summary>
    public static TeacherReference GetOrCompute(
        IDenoiser denoiser,
        string modelContentHash,
        TeacherSpec teacher,
        NoiseSet noise,
        IReferenceStore store,
        TeacherRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new TeacherRunOptions();
        var name = NameOf(modelContentHash, teacher, noise.Spec);
        // One computation per reference in a process: evaluation lanes asking at once wait for the first.
        lock (Computing.GetOrAdd(name, _ => new Lock()))
        {
            return ReadOrCompute(denoiser, modelContentHash, teacher, noise, store, options, name, cancellationToken);
        }
    }

    private static TeacherReference ReadOrCompute(
        IDenoiser denoiser,
        string modelContentHash,
        TeacherSpec teacher,
        NoiseSet noise,
        IReferenceStore store,
        TeacherRunOptions options,
        string name,
        CancellationToken cancellationToken)
    {
        if (store.GetReference(name, cancellationToken) is { } stored)
        {
            if (stored.Shape.Length != 2 || stored.Shape[0] != noise.Count || stored.Shape[1] != noise.SampleSize)
            {
                throw new InvalidOperationException(
                    $"teacher reference '{name}' has shape [{string.Join(",", stored.Shape)}]; expected [{noise.Count},{noise.SampleSize}]");
            }

            return new TeacherReference
            {
                Name = name,
                Samples = ImmutableCollectionsMarshal.AsArray(stored.Data),
                Count = noise.Count,
                SampleSize = noise.SampleSize,
                Accuracy = stored.Accuracy,
                FromStore = true,
            };
        }

        var schedule = Schedule(denoiser, teacher);
        // Progress in model-call units: the verification run costs twice the teacher run.
        var share = options.Verify ? 1.0 / 3.0 : 1.0;
        var samples = Solve(denoiser, schedule, noise, options with { Progress = Scaled(options.Progress, 0.0, share) }, cancellationToken);
        double? accuracy = null;
        if (options.Verify)
        {
            var finerOptions = options with { Progress = Scaled(options.Progress, share, 1.0 - share) };
            var finer = Solve(denoiser, Schedule(denoiser, teacher, 2 * teacher.Nfe), noise, finerOptions, cancellationToken);
            var sum = 0.0;
            var size = noise.SampleSize;
            for (var i = 0; i < noise.Count; i++)
            {
                sum += SampleErrors.Rmse(samples.AsSpan(i * size, size), finer.AsSpan(i * size, size));
            }

            accuracy = sum / noise.Count;
        }

        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"model\":\"{JsonText(modelContentHash)}\",\"noise\":{noise.Spec.ToCanonicalJson()},\"teacher\":{CanonicalJson(teacher)},\"accuracy\":\"mean per-sample rmse against {2 * teacher.Nfe} steps\"}}");
        store.AddReference(
            new ReferenceArray
            {
                Name = name,
                Shape = [noise.Count, noise.SampleSize],
                Data = ImmutableCollectionsMarshal.AsImmutableArray(samples),
                Accuracy = accuracy,
                Created = options.Clock.GetUtcNow(),
                DescriptionJson = description,
            },
            cancellationToken);
        return new TeacherReference
        {
            Name = name,
            Samples = samples,
            Count = noise.Count,
            SampleSize = noise.SampleSize,
            Accuracy = accuracy,
        };
    }

    /// <summary>
    /// Runs <paramref name="schedule"/> on every sample of <paramref name="noise"/> in batches of
    /// <see cref="TeacherRunOptions.Batch"/> (several batches at once when <see cref="TeacherRunOptions.DegreeOfParallelism"/> &gt; 1).
    /// Each batch is computed the same way whatever the parallelism, so the result is too; a class-conditional model
    /// (<see cref="ISampleIndexedDenoiser"/>) sees each batch from its first sample, so sample i keeps its label.
    /// </summary>
    public static double[] Solve(IDenoiser denoiser, SamplerSchedule schedule, NoiseSet noise, TeacherRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(options);
        var size = noise.SampleSize;
        var batch = Math.Max(1, options.Batch);
        var chunks = (noise.Count + batch - 1) / batch;
        var result = new double[noise.Count * size];
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.DegreeOfParallelism), CancellationToken = cancellationToken };
        Parallel.For(
            0,
            chunks,
            parallel,
            () => new Sampler(denoiser),
            (chunk, _, sampler) =>
            {
                var start = chunk * batch;
                var rows = Math.Min(batch, noise.Count - start);
                var x = new double[rows * size];
                Sampler.InitialState(denoiser.Schedule, schedule.Timesteps[0], noise.Rows(start, rows), x);
                var view = denoiser is ISampleIndexedDenoiser indexed ? indexed.FromSample(start) : denoiser;
                (ReferenceEquals(view, denoiser) ? sampler : new Sampler(view)).Run(schedule, x, rows, null, cancellationToken);
                x.CopyTo(result, start * size);
                options.Progress?.Report((double)Interlocked.Increment(ref done) / chunks);
                return sampler;
            },
            _ => { });
        return result;
    }

    private static IProgress<double>? Scaled(IProgress<double>? progress, double offset, double scale) =>
        progress is null ? null : new Progress(f => progress.Report(offset + (scale * f)));

    // Relaxed escaping keeps names such as "dpm-solver++-3m" readable in keys and descriptions; quotes,
    // backslashes and control characters are still escaped.
    private static string JsonText(string value) =>
        System.Text.Json.JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
