using System.Collections.Immutable;

namespace ScheduleSearch.Core.Schedules;

/// <summary>
/// A sampler: timesteps t_T = Timesteps[0] &gt; ... &gt; t_0 = Timesteps[^1] plus one <see cref="StepChoice"/> per
/// interval (step i goes from Timesteps[i] to Timesteps[i + 1]) and schedule-wide options. Pure data: the
/// <see cref="Solvers.Sampler"/> gives it meaning.
/// </summary>
public sealed record SamplerSchedule
{
    /// <summary>Creates a schedule; call <see cref="ScheduleValidator"/> before running it.</summary>
    public SamplerSchedule(string name, string time, IEnumerable<double> timesteps, IEnumerable<StepChoice> steps, ScheduleOptions? options = null)
    {
        Name = name;
        Time = time;
        Timesteps = [.. timesteps];
        Steps = [.. steps];
        Options = options ?? ScheduleOptions.Default;
    }

    /// <summary>A human-readable name (not part of the key).</summary>
    public string Name { get; init; }

    /// <summary>The time convention t is written in ("vp-discrete", "vp-linear", "edm", "flow").</summary>
    public string Time { get; init; }

    /// <summary>N + 1 continuous times, strictly descending, t_T first.</summary>
    public ImmutableArray<double> Timesteps { get; init; }

    /// <summary>N step choices.</summary>
    public ImmutableArray<StepChoice> Steps { get; init; }

    /// <summary>Schedule-wide options.</summary>
    public ScheduleOptions Options { get; init; }

    /// <summary>Free-form provenance as raw JSON (search, score); not part of the key.</summary>
    public string? ProvenanceJson { get; init; }

    /// <summary>
    /// The .npz beside the schedule file holding the data statistics it needs (mean, variance), as the json export
    /// writes it for the Python package; not part of the key (the tool reads statistics from the model card).
    /// </summary>
    public string? StatisticsFile { get; init; }

    /// <summary>
    /// The .npz beside the schedule file holding the DPM-Solver-v3 statistics its v3 steps read (lambda, l, s, b; the
    /// card's <c>"ems"</c> file), as the json export writes it for the Python package; not part of the key.
    /// </summary>
    public string? EmsFile { get; init; }

    /// <summary>Number of model evaluations this schedule costs (<see cref="Solvers.EvaluationPlan"/>).</summary>
    public int Nfe => Solvers.EvaluationPlan.Count(this);

    /// <summary>Value equality over the arrays' contents (records compare arrays by reference otherwise).</summary>
    public bool Equals(SamplerSchedule? other) =>
        other is not null && Name == other.Name && Time == other.Time && Options == other.Options
        && ProvenanceJson == other.ProvenanceJson && StatisticsFile == other.StatisticsFile && EmsFile == other.EmsFile
        && Timesteps.SequenceEqual(other.Timesteps) && Steps.SequenceEqual(other.Steps);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Time, Timesteps.Length, Steps.Length);
}
