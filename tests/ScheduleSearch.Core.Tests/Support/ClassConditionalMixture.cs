using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>
/// An exact class-conditional network for guidance tests: condition c is the posterior mean of mixture component c
/// alone, its unconditional counterpart ~c the posterior mean of the whole mixture (output x0). Records every run.
/// </summary>
internal sealed class ClassConditionalMixture : IConditionedNetwork
{
    private readonly GaussianMixtureDenoiser whole;
    private readonly GaussianMixtureDenoiser[] components;

    public ClassConditionalMixture(GaussianMixture mixture, NoiseSchedule schedule, int maxRowsPerRun)
    {
        whole = new GaussianMixtureDenoiser(mixture, schedule);
        components = Enumerable.Range(0, mixture.Components)
            .Select(k => new GaussianMixtureDenoiser(new GaussianMixture([1.0], [mixture.Means[k]], [mixture.Variances[k]]), schedule))
            .ToArray();
        Schedule = schedule;
        SampleSize = mixture.Dimension;
        MaxRowsPerRun = maxRowsPerRun;
    }

    public NoiseSchedule Schedule { get; }

    public int SampleSize { get; }

    public Parameterization Parameterization => Parameterization.X0;

    public bool IsConditioned => true;

    public int MaxRowsPerRun { get; }

    public bool AcceptsRowTimes => false;

    /// <summary>The conditions of every run, in order.</summary>
    public List<int[]> Runs { get; } = [];

    public void Evaluate(ReadOnlySpan<double> x, int rows, ReadOnlySpan<double> t, ReadOnlySpan<int> conditions, Span<double> output)
    {
        Assert.True(rows <= MaxRowsPerRun, $"{rows} rows in one run of a network that takes {MaxRowsPerRun}");
        lock (Runs)
        {
            Runs.Add(conditions[..rows].ToArray());
        }

        var states = x.Length / SampleSize;
        var eps = new double[SampleSize];
        for (var r = 0; r < rows; r++)
        {
            var c = conditions[r];
            var model = c >= 0 ? components[c] : whole;
            model.Predict(x.Slice(r % states * SampleSize, SampleSize), 1, t[0], output.Slice(r * SampleSize, SampleSize), eps);
        }
    }
}
