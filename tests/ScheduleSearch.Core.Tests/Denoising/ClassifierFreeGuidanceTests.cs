using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Tests.Support;

namespace ScheduleSearch.Core.Tests.Denoising;

public sealed class ClassifierFreeGuidanceTests
{
    private const int Dimension = 3;
    private static readonly GaussianMixture Mixture = new([0.3, 0.5, 0.2], [[1.0, -0.5, 0.2], [-1.5, 0.5, 2.0], [0.0, 1.0, -1.0]], [[0.2, 0.1, 0.4], [0.05, 0.3, 0.2], [0.1, 0.1, 0.1]]);
    private static readonly int[] Labels = [2, 0, 1];

    [Theory]
    [InlineData("vp-discrete", 0.5, 3.0)]
    [InlineData("edm", 2.0, 5.0)]
    [InlineData("flow", 0.7, 0.5)]
    public void Guided_predictions_are_uncond_plus_w_times_cond_minus_uncond_of_two_separate_runs(string kind, double t, double w)
    {
        var schedule = NoiseSchedule.FromKind(kind);
        var network = new ClassConditionalMixture(Mixture, schedule, maxRowsPerRun: 64);
        var x = States(7);
        var (x0, eps) = Predict(new ClassifierFreeGuidance(network, Labels, w), x, t);
        var (cond, _) = Predict(new ConditionedDenoiser(network, Labels), x, t);
        var (uncond, _) = Predict(new ConditionedDenoiser(network, Labels.Select(c => ~c).ToArray()), x, t);

        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(uncond[i] + (w * (cond[i] - uncond[i])), x0[i]);
            Assert.Equal((x[i] - (schedule.Alpha(t) * x0[i])) / schedule.Sigma(t), eps[i], 12);
        }
    }

    [Fact]
    public void Both_halves_of_a_batch_go_to_the_network_in_one_run()
    {
        var network = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("vp-discrete"), maxRowsPerRun: 64);

        Predict(new ClassifierFreeGuidance(network, Labels, 4.0), States(5), 0.5);

        var run = Assert.Single(network.Runs);
        Assert.Equal([2, 0, 1, 2, 0, ~2, ~0, ~1, ~2, ~0], run);
    }

    [Fact]
    public void A_batch_larger_than_a_run_is_cut_into_runs_that_each_hold_both_halves()
    {
        var network = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("vp-discrete"), maxRowsPerRun: 4);
        var wide = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("vp-discrete"), maxRowsPerRun: 64);
        var x = States(5);

        var (cut, _) = Predict(new ClassifierFreeGuidance(network, Labels, 4.0), x, 0.5);
        var (whole, _) = Predict(new ClassifierFreeGuidance(wide, Labels, 4.0), x, 0.5);

        Assert.Equal([[2, 0, ~2, ~0], [1, 2, ~1, ~2], [0, ~0]], network.Runs);
        Assert.Equal(whole, cut);
    }

    [Fact]
    public void A_network_that_takes_one_row_per_run_gets_the_two_halves_in_separate_runs()
    {
        var network = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("edm"), maxRowsPerRun: 1);
        var wide = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("edm"), maxRowsPerRun: 64);
        var x = States(2);

        var (single, _) = Predict(new ClassifierFreeGuidance(network, Labels, 2.5), x, 1.5);
        var (batched, _) = Predict(new ClassifierFreeGuidance(wide, Labels, 2.5), x, 1.5);

        Assert.Equal([[2], [~2], [0], [~0]], network.Runs);
        Assert.Equal(batched, single);
    }

    [Fact]
    public void A_view_from_a_later_sample_guides_each_sample_with_its_own_label()
    {
        var network = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("vp-discrete"), maxRowsPerRun: 4);
        var guided = new ClassifierFreeGuidance(network, Labels, 3.0);
        var x = States(8);

        var (all, _) = Predict(guided, x, 0.3);
        var (tail, _) = Predict(guided.FromSample(5), x.AsSpan(5 * Dimension).ToArray(), 0.3);

        Assert.Equal(all[(5 * Dimension)..], tail);
        Assert.Same(guided, guided.FromSample(0));
    }

    [Fact]
    public void Guidance_refuses_a_network_without_conditions_and_negative_labels()
    {
        var network = new ClassConditionalMixture(Mixture, NoiseSchedule.FromKind("vp-discrete"), maxRowsPerRun: 4);

        Assert.Throws<ArgumentException>(() => new ClassifierFreeGuidance(network, [], 2.0));
        Assert.Throws<ArgumentException>(() => new ClassifierFreeGuidance(network, [1, -1], 2.0));
    }

    private static double[] States(int batch)
    {
        var rng = new Random(batch);
        return Enumerable.Range(0, batch * Dimension).Select(_ => (rng.NextDouble() * 4) - 2).ToArray();
    }

    private static (double[] X0, double[] Eps) Predict(IDenoiser denoiser, double[] x, double t)
    {
        var batch = x.Length / Dimension;
        var (x0, eps) = (new double[x.Length], new double[x.Length]);
        denoiser.Predict(x, batch, t, x0, eps);
        return (x0, eps);
    }
}
