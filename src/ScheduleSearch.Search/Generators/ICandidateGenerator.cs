using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Generators;

/// <summary>
/// Proposes candidate schedules for one target NFE (Optuna's sampler, renamed: "sampler" is the diffusion
/// sampler here). <see cref="Ask"/> and <see cref="Tell"/> alternate; every schedule asked is valid for the
/// model and costs exactly the context's NFE. A generator is deterministic given its context's seed and the
/// scores it is told.
/// </summary>
public interface ICandidateGenerator
{
    /// <summary>A short name for logs ("evolutionary", "cma-timesteps", ...).</summary>
    string Name { get; }

    /// <summary>The next batch (one generation); empty when the generator has nothing more to propose.</summary>
    IReadOnlyList<SamplerSchedule> Ask();

    /// <summary>
    /// The scores of the last batch, in the order asked; may be a prefix of it (the budget ran out) and may
    /// contain +infinity (diverged).
    /// </summary>
    void Tell(IReadOnlyList<ScoredSchedule> results);
}
