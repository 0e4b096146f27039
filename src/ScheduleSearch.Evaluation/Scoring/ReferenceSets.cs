using System.Diagnostics;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// The noise sets a scorer scores on and the teacher's samples on each, made on first use and kept: the teacher is
/// read from <paramref name="store"/> or computed and stored there (<see cref="TeacherReferences"/>). A teacher
/// metric compares states at the same times, so a candidate over another time range gets a teacher of its own. A
/// spec that decodes gets the teacher's images here, decoded once per reference rather than once per candidate.
/// Thread-safe (one set is prepared at a time).
/// </summary>
internal sealed class ReferenceSets(
    TimedDenoiser teacherModel,
    string modelContentHash,
    MetricSpec spec,
    bool needsTeacher,
    MixtureLikelihood? likelihood,
    ScoringSpace space,
    IReferenceStore store,
    ScheduleEvaluatorOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<(NoiseSpec Noise, double? TStart, double? TEnd), PreparedSet> sets = [];
    private long teacherTicks;

    /// <summary>Time spent preparing sets (mostly computing teachers), in <see cref="Stopwatch"/> ticks.</summary>
    public long TeacherTicks => Interlocked.Read(ref teacherTicks);

    /// <summary>
    /// The time range of <paramref name="schedule"/> where it differs from the default teacher's (null where it agrees,
    /// and for metrics without a teacher or schedules that cannot run).
    /// </summary>
    public (double? TStart, double? TEnd) TeacherRange(SamplerSchedule schedule)
    {
        // Invalid schedules fail without running, so they never need a teacher of their own.
        if (!needsTeacher || ScheduleValidator.Problems(schedule, teacherModel.Schedule).Count > 0)
        {
            return (null, null);
        }

        static double? Differs(double value, double reference) =>
            Math.Abs(value - reference) <= 1e-12 * Math.Max(1.0, Math.Abs(reference)) ? null : value;
        var noise = teacherModel.Schedule;
        return (Differs(schedule.Timesteps[0], noise.DefaultTStart), Differs(schedule.Timesteps[^1], noise.DefaultTEnd));
    }

    /// <summary>The main (or held-out) set whose teacher runs from <paramref name="tStart"/> to <paramref name="tEnd"/> (null: the model's defaults).</summary>
    public PreparedSet Get(bool heldOut, double? tStart, double? tEnd, CancellationToken cancellationToken) =>
        Get(new EvaluationRequest { HeldOut = heldOut }, tStart, tEnd, cancellationToken);

    /// <summary>
    /// The set <paramref name="request"/> scores on (its own drawn set, or the main or held-out one) whose teacher runs
    /// from <paramref name="tStart"/> to <paramref name="tEnd"/> (null: the model's defaults).
    /// </summary>
    public PreparedSet Get(EvaluationRequest request, double? tStart, double? tEnd, CancellationToken cancellationToken)
    {
        var heldOut = request.HeldOut;
        var given = heldOut || request.Noise is not null ? null : options.ScoringNoise;
        var full = request.Noise is { } own ? own
            : heldOut ? new NoiseSpec(spec.HeldOutSeed, spec.HeldOutSamples) : given?.Spec ?? new NoiseSpec(spec.Seed, spec.Samples);
        var setKey = (full, tStart, tEnd);
        lock (gate)
        {
            if (sets.TryGetValue(setKey, out var ready) && (ready.Teacher is not null || !needsTeacher))
            {
                return ready;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var noise = ready?.Noise ?? given ?? NoiseSet.Create(full, teacherModel.SampleSize);
                TeacherReference? teacher = null;
                if (needsTeacher)
                {
                    var run = new TeacherRunOptions
                    {
                        Batch = options.TeacherBatch,
                        DegreeOfParallelism = options.DegreeOfParallelism,
                        Verify = options.VerifyTeacher,
                        Progress = options.TeacherProgress,
                        Clock = options.Clock,
                    };
                    var teacherSpec = spec.Teacher with { TStart = tStart, TEnd = tEnd };
                    teacher = TeacherReferences.GetOrCompute(teacherModel, modelContentHash, teacherSpec, noise, store, run, cancellationToken);
                }

                // The teacher's components are fixed: computed once here, not once per candidate's flip rate.
                var components = teacher is not null && likelihood is not null ? likelihood.MostLikelyComponents(teacher.Samples.Span, teacher.Count) : null;
                var scored = teacher is null ? ReadOnlyMemory<double>.Empty : space.Of(teacher, cancellationToken);
                return sets[setKey] = new PreparedSet(noise, teacher, components, scored);
            }
            finally
            {
                Interlocked.Add(ref teacherTicks, Stopwatch.GetTimestamp() - started);
            }
        }
    }
}
