using ScheduleSearch.Evaluation.Cost;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>How <c>run</c> measures a model's time per call per variant for a cost-aware search (issue 9).</summary>
public static class CallTimesMeasurer
{
    /// <summary>
    /// A measurer of <paramref name="model"/>'s primary network and variants at the spec's evaluation batch (metric.samples),
    /// on this process's device; the search calls it once, on its first run, and stores the figures with the search.
    /// </summary>
    public static Func<ModelCallTimes> For(LoadedModel model, SearchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        return () => ModelCallTimer.Measure(model.Primary, model.Variants, spec.Metric.Samples, device: model.Primary.Device);
    }
}
