using Onnx;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Onnx;

public class OnnxDenoiserTests
{
    private const int Dimension = 5;

    public static TheoryData<string, TimeConvention, Parameterization, double, double> Conventions() => new()
    {
        { "vp-discrete", TimeConvention.DiscreteIndex, Parameterization.Epsilon, 0.5, 1.0 },
        { "vp-discrete", TimeConvention.DiscreteIndex, Parameterization.V, 0.9, 1.0 },
        { "vp-discrete", TimeConvention.DiscreteIndex, Parameterization.X0, 0.02, 1.0 },
        { "vp-linear", TimeConvention.ContinuousT, Parameterization.X0, 0.4, 1.0 },
        { "vp-linear", TimeConvention.ContinuousT, Parameterization.Epsilon, 0.7, 999.0 },
        { "flow", TimeConvention.ContinuousT, Parameterization.Flow, 0.3, 1000.0 },
        { "vp-discrete", TimeConvention.VeSigma, Parameterization.VeDenoiser, 0.6, 1.0 },
        { "edm", TimeConvention.VeSigma, Parameterization.Epsilon, 3.0, 1.0 },
        { "edm", TimeConvention.EdmCNoise, Parameterization.VeDenoiser, 2.0, 1.0 },
        { "vp-discrete", TimeConvention.EdmCNoise, Parameterization.X0, 0.5, 1.0 },
    };

    [Theory]
    [MemberData(nameof(Conventions))]
    public void Each_time_convention_and_parameterization_round_trips_through_a_linear_probe(
        string kind, TimeConvention convention, Parameterization parameterization, double t, double timeScale)
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default(kind), convention, parameterization, timeScale: timeScale);
        using var denoiser = OnnxDenoiser.Open(card);

        AssertMatchesProbe(denoiser, t, batch: 3, tolerance: 2e-6);
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public void Rows_at_their_own_times_in_one_run_give_what_one_call_per_time_gives_bit_for_bit(
        string kind, TimeConvention convention, Parameterization parameterization, double t, double timeScale)
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default(kind), convention, parameterization, timeScale: timeScale);
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { MaxBatch = 3 });

        AssertRowsMatchOneCallPerTime(denoiser, t);
    }

    [Fact]
    public void Rows_at_their_own_times_fill_a_fixed_batch_axis_with_padding()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("edm"), TimeConvention.VeSigma, Parameterization.VeDenoiser, fixedBatch: 4);
        using var denoiser = OnnxDenoiser.Open(card);

        AssertRowsMatchOneCallPerTime(denoiser, 0.5);
    }

    /// <summary>Seven rows at times from t_max down to t_min (several runs of MaxBatch) against one Predict per row.</summary>
    private static void AssertRowsMatchOneCallPerTime(OnnxDenoiser denoiser, double t)
    {
        Assert.True(denoiser.HandlesRowTimes);
        var schedule = denoiser.Schedule;
        var times = Enumerable.Range(0, 7).Select(i => schedule.TMin + ((schedule.TMax - schedule.TMin) * (6 - i) / 6.0 * Math.Min(1.0, t + 0.5))).ToArray();
        var x = Rows(times.Length, 2);
        var x0 = new double[x.Length];
        var eps = new double[x.Length];

        denoiser.PredictRows(x, times, x0, eps);

        Assert.Equal(1, denoiser.Calls);
        for (var r = 0; r < times.Length; r++)
        {
            var row = x.AsSpan(r * Dimension, Dimension);
            var ex0 = new double[Dimension];
            var eeps = new double[Dimension];
            denoiser.Predict(row, 1, times[r], ex0, eeps);
            Assert.Equal(ex0, x0.AsSpan(r * Dimension, Dimension).ToArray());
            Assert.Equal(eeps, eps.AsSpan(r * Dimension, Dimension).ToArray());
        }
    }

    [Fact]
    public void A_class_conditional_model_does_not_take_rows_at_their_own_times()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("vp-discrete"), TimeConvention.DiscreteIndex, Parameterization.Epsilon, guidance: new GuidanceSpec("y", 3, 3));
        using var denoiser = OnnxDenoiser.Open(card);

        Assert.False(denoiser.HandlesRowTimes);
        Assert.Throws<NotSupportedException>(() => denoiser.PredictRows(new double[Dimension], [0.5], new double[Dimension], new double[Dimension]));
    }

    [Theory]
    [InlineData(TimeConvention.DiscreteIndex, Parameterization.Epsilon, 0.5)]
    [InlineData(TimeConvention.VeSigma, Parameterization.VeDenoiser, 0.3)]
    public void A_float16_model_round_trips_within_half_precision(TimeConvention convention, Parameterization parameterization, double t)
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("vp-discrete"), convention, parameterization, TensorProto.Types.DataType.Float16);
        using var denoiser = OnnxDenoiser.Open(card);

        AssertMatchesProbe(denoiser, t, batch: 4, tolerance: 4e-3);
    }

    [Fact]
    public void A_request_larger_than_max_batch_is_split_and_gives_the_same_result()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("vp-discrete"), TimeConvention.DiscreteIndex, Parameterization.Epsilon);
        using var small = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { MaxBatch = 3 });

        Assert.Equal(3, small.MaxBatch);
        AssertMatchesProbe(small, 0.4, batch: 11, tolerance: 2e-6);
        Assert.Equal(1, small.Calls);
    }

    [Fact]
    public void A_graph_with_a_fixed_batch_axis_is_fed_padded_runs()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("edm"), TimeConvention.VeSigma, Parameterization.VeDenoiser, fixedBatch: 4);
        using var denoiser = OnnxDenoiser.Open(card);

        Assert.Equal(4, denoiser.MaxBatch);
        AssertMatchesProbe(denoiser, 1.5, batch: 10, tolerance: 2e-6);
    }

    [Fact]
    public void Classifier_free_guidance_mixes_the_conditional_and_null_class_outputs_with_scale_w()
    {
        using var dir = new TempDirectory();
        var guidance = new GuidanceSpec("y", 10, 10);
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("edm"), TimeConvention.VeSigma, Parameterization.VeDenoiser, guidance: guidance);
        const double w = 3.0;
        int[] labels = [2, 5, 7];
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = w, ClassLabels = labels, MaxBatch = 2 });
        var x = Rows(5, 9);
        var x0 = new double[x.Length];
        var eps = new double[x.Length];
        const double sigma = 2.0;

        denoiser.Predict(x, 5, sigma, x0, eps);

        for (var b = 0; b < 5; b++)
        {
            var label = labels[b % labels.Length];
            for (var j = 0; j < Dimension; j++)
            {
                var i = (b * Dimension) + j;
                var expected = x[i] + (0.001 * sigma) + (0.1 * (10 + (w * (label - 10))));
                Assert.True(Math.Abs(x0[i] - expected) < 1e-5, $"row {b}: {x0[i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void Sample_i_gets_label_i_mod_the_label_count_also_in_a_view_from_a_later_sample()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("edm"), TimeConvention.VeSigma, Parameterization.VeDenoiser, guidance: new GuidanceSpec("y", 10, 10));
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { GuidanceScale = 3.0, MaxBatch = 4 });
        var x = Rows(13, 5);
        var (x0, eps) = (new double[x.Length], new double[x.Length]);
        var (tail, tailEps) = (new double[6 * Dimension], new double[6 * Dimension]);

        denoiser.Predict(x, 13, 2.0, x0, eps);
        denoiser.FromSample(7).Predict(x.AsSpan(7 * Dimension), 6, 2.0, tail, tailEps);

        Assert.Equal(x0[(7 * Dimension)..], tail);
        Assert.Same(denoiser, denoiser.FromSample(0));
    }

    [Fact]
    public void Concurrent_calls_share_one_session_and_give_the_sequential_results()
    {
        using var dir = new TempDirectory();
        var card = ProbeModel.Write(dir.Path, Dimension, NoiseScheduleSpec.Default("vp-discrete"), TimeConvention.DiscreteIndex, Parameterization.Epsilon);
        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { MaxBatch = 4 });

        Parallel.For(0, 16, i => AssertMatchesProbe(denoiser, 0.05 + (0.05 * i), batch: 9, tolerance: 2e-6));

        Assert.Equal(16, denoiser.Calls);
    }

    /// <summary>Predicts on seeded rows and compares with the probe's exact output run through SOLVERS.md's conversions.</summary>
    private static void AssertMatchesProbe(OnnxDenoiser denoiser, double t, int batch, double tolerance)
    {
        var x = Rows(batch, 1);
        var x0 = new double[x.Length];
        var eps = new double[x.Length];
        denoiser.Predict(x, batch, t, x0, eps);

        var s = denoiser.Schedule;
        double alpha = s.Alpha(t), sigma = s.Sigma(t), veSigma = sigma / alpha;
        var card = denoiser.Card;
        for (var i = 0; i < x.Length; i++)
        {
            double raw;
            switch (card.Inputs.TimeConvention)
            {
                case TimeConvention.DiscreteIndex:
                    raw = x[i] + (0.001 * 1000 * (t - 0.001));
                    break;
                case TimeConvention.ContinuousT:
                    raw = x[i] + (0.001 * t * card.Inputs.TimeScale);
                    break;
                case TimeConvention.VeSigma:
                    raw = (x[i] / alpha) + (0.001 * veSigma);
                    break;
                default:
                    {
                        const double sd = 0.5;
                        var total = (veSigma * veSigma) + (sd * sd);
                        var xbar = x[i] / alpha;
                        var f = (xbar / Math.Sqrt(total)) + (0.001 * Math.Log(veSigma) / 4);
                        raw = (sd * sd / total * xbar) + (veSigma * sd / Math.Sqrt(total) * f);
                        break;
                    }
            }

            var (ex0, eeps) = card.Output.Parameterization switch
            {
                Parameterization.Epsilon => ((x[i] - (sigma * raw)) / alpha, raw),
                Parameterization.X0 or Parameterization.VeDenoiser => (raw, (x[i] - (alpha * raw)) / sigma),
                Parameterization.V => (((alpha * x[i]) - (sigma * raw)) / ((alpha * alpha) + (sigma * sigma)), ((sigma * x[i]) + (alpha * raw)) / ((alpha * alpha) + (sigma * sigma))),
                Parameterization.Flow => ((x[i] - (sigma * raw)) / (alpha + sigma), (x[i] + (alpha * raw)) / (alpha + sigma)),
                _ => throw new InvalidOperationException(),
            };
            Assert.True(Math.Abs(x0[i] - ex0) <= tolerance * (1 + Math.Abs(ex0)) * (1 + (1 / alpha)), $"x0[{i}] = {x0[i]}, expected {ex0}");
            Assert.True(Math.Abs(eps[i] - eeps) <= tolerance * (1 + Math.Abs(eeps)) * (1 + (1 / sigma)), $"eps[{i}] = {eps[i]}, expected {eeps}");
        }
    }

    private static double[] Rows(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * Dimension).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
    }
}
