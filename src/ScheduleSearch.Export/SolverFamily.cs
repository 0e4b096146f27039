using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Export;

/// <summary>
/// What one step is in the vocabulary other samplers use: a family ("dpm-solver++", "unipc-bh2", "euler", ...) and
/// an order. Steps of one family and order run the same in diffusers, k-diffusion and ComfyUI.
/// </summary>
public sealed record SolverFamily(string Name, int Order, bool Corrector)
{
    /// <summary>The family of <paramref name="step"/>.</summary>
    public static SolverFamily Of(StepChoice step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var unic = step.Corrector == CorrectorKind.UniC;
        var name = step.Method switch
        {
            StepMethod.Multistep when step.Order == 1 && !unic => "ddim",
            StepMethod.Multistep when step.Derivative == DerivativeForm.UniPcBh1 => "unipc-bh1",
            StepMethod.Multistep when step.Derivative == DerivativeForm.UniPcBh2 => "unipc-bh2",
            StepMethod.Multistep when unic => "unipc-bh2",
            StepMethod.Multistep when step.Derivative == DerivativeForm.Deis => "deis",
            StepMethod.Multistep => step.Prediction == Prediction.Data ? "dpm-solver++" : "dpm-solver",
            StepMethod.Singlestep when step.Order == 1 => "ddim",
            StepMethod.Singlestep => step.Prediction == Prediction.Data ? "dpm-solver++-singlestep" : "dpm-solver-singlestep",
            StepMethod.Euler => "euler",
            StepMethod.Heun => "heun",
            StepMethod.Ipndm => "ipndm",
            StepMethod.Plms => "plms",
            StepMethod.Teleport => "teleport",
            _ => throw new ArgumentOutOfRangeException(nameof(step), step.Method, "unknown step method"),
        };
        return new SolverFamily(name, step.Order, unic);
    }

    /// <summary>
    /// The family that covers most steps of <paramref name="schedule"/>, its highest order, and the notes on what a
    /// single-solver sampler cannot reproduce (mixed families, predictions, correctors, time shifts, ...).
    /// </summary>
    public static (SolverFamily Main, IReadOnlyList<string> Notes) Summarize(SamplerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var steps = schedule.Steps;
        var families = steps.Select(Of).ToArray();
        var nonTrivial = families.Where(f => f.Name is not "ddim" and not "teleport").ToArray();
        var pool = nonTrivial.Length > 0 ? nonTrivial : families;
        var mainName = pool.GroupBy(f => f.Name).OrderByDescending(g => g.Count()).First().Key;
        var main = new SolverFamily(mainName, pool.Where(f => f.Name == mainName).Max(f => f.Order), pool.Any(f => f.Name == mainName && f.Corrector));
        var notes = new List<string>();
        var others = families.Select((f, i) => (f, i)).Where(p => p.f.Name != mainName && p.f.Name is not "ddim" and not "teleport").Select(p => p.i + 1).ToArray();
        if (others.Length > 0)
        {
            notes.Add($"{Steps(others)} another solver than {mainName}; this target runs one solver for every step");
        }

        var predictions = steps.Select(s => s.Prediction).Distinct().Count();
        if (predictions > 1)
        {
            var noise = steps.Select((s, i) => (s, i)).Where(p => p.s.Prediction == Prediction.Noise).Select(p => p.i + 1).ToArray();
            notes.Add($"{Steps(noise)} noise prediction and the others data prediction");
        }

        // Lower orders in the warm-up (history too short) and in the last main.Order - 1 steps (lower order final) are
        // what the targets do themselves; only a lower order in between needs a note.
        var orders = steps.Select((s, i) => (s, i))
            .Where(p => p.s.Order < Math.Min(main.Order, p.i + 1) && p.i < steps.Length - Math.Max(1, main.Order - 1))
            .Select(p => p.i + 1).ToArray();
        if (orders.Length > 0)
        {
            notes.Add($"{Steps(orders)} an order below {main.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)} (beyond the usual warm-up and final steps)");
        }

        if (steps.Any(s => s.Method == StepMethod.Teleport))
        {
            notes.Add("the first step teleports analytically with the data statistics; other samplers must start at its end point");
        }

        if (steps.Any(s => s.TimeShift != 0.0))
        {
            notes.Add("some steps evaluate the model at shifted times (time_shift)");
        }

        if (steps.Any(s => s.Compensation != 1.0))
        {
            notes.Add("some steps use DC-Solver compensation");
        }

        if (steps.Any(s => s.Model is not null))
        {
            notes.Add("some steps use another model variant");
        }

        if (schedule.Options.Afs != AnalyticFirstStep.None || schedule.Options.Momentum != 0.0)
        {
            notes.Add("the schedule uses an analytical first step or momentum");
        }

        if (notes.Count > 0)
        {
            notes.Add("to run the schedule exactly, use the Python package schedule_search (python/) with the json export: see 'exact'");
        }

        return (main, notes);
    }

    private static string Steps(IReadOnlyList<int> indices) => (indices.Count == 1 ? "step " : "steps ") + Ranges(indices) + (indices.Count == 1 ? " uses" : " use");

    private static string Ranges(IReadOnlyList<int> indices)
    {
        var parts = new List<string>();
        var i = 0;
        while (i < indices.Count)
        {
            var j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? indices[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"{indices[i]}-{indices[j]}"));
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
