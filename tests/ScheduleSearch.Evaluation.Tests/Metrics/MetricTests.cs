using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Evaluation.NoiseSets;

namespace ScheduleSearch.Evaluation.Tests.Metrics;

public sealed class MetricTests
{
    [Fact]
    public void Frechet_distance_of_two_gaussians_matches_the_closed_form()
    {
        // Diagonal covariances commute, so tr sqrt(S1 S2) = sum sqrt(a_d b_d) and
        // FD = |mu1 - mu2|^2 + sum (sqrt a_d - sqrt b_d)^2.
        double[] mu1 = [0.0, 1.0, -2.0], mu2 = [0.5, 1.0, 0.0];
        double[] a = [1.0, 4.0, 0.25], b = [2.0, 1.0, 0.25];
        var expected = 0.0;
        for (var d = 0; d < 3; d++)
        {
            expected += ((mu1[d] - mu2[d]) * (mu1[d] - mu2[d])) + Math.Pow(Math.Sqrt(a[d]) - Math.Sqrt(b[d]), 2);
        }

        var first = new GaussianFit(Vector<double>.Build.Dense(mu1), Matrix<double>.Build.DiagonalOfDiagonalArray(a));
        var second = new GaussianFit(Vector<double>.Build.Dense(mu2), Matrix<double>.Build.DiagonalOfDiagonalArray(b));
        Assert.Equal(expected, GaussianFit.FrechetDistance(first, second), 10);
        Assert.Equal(expected, GaussianFit.FrechetDistance(second, first), 10);
    }

    [Fact]
    public void Frechet_distance_handles_full_covariances_that_do_not_commute()
    {
        // S1 = I (2x2), S2 = [[2,1],[1,2]] (eigenvalues 1 and 3): tr sqrt(S2) = 1 + sqrt 3.
        var first = new GaussianFit(Vector<double>.Build.Dense(2), Matrix<double>.Build.DenseIdentity(2));
        var second = new GaussianFit(Vector<double>.Build.Dense([1.0, 1.0]), Matrix<double>.Build.DenseOfArray(new[,] { { 2.0, 1.0 }, { 1.0, 2.0 } }));
        var expected = 2.0 + 2.0 + 4.0 - (2.0 * (1.0 + Math.Sqrt(3.0)));
        Assert.Equal(expected, GaussianFit.FrechetDistance(first, second), 10);
    }

    [Fact]
    public void The_fd_metric_of_samples_drawn_from_known_gaussians_approaches_the_closed_form()
    {
        const int n = 4000, d = 2;
        var noise = NoiseSet.Create(new NoiseSpec(5, 2 * n), d).Values;
        var x = new double[n * d];
        var reference = new double[n * d];
        for (var i = 0; i < n; i++)
        {
            x[2 * i] = 1.0 + (2.0 * noise[2 * i]);
            x[(2 * i) + 1] = noise[(2 * i) + 1];
            reference[2 * i] = noise[(2 * (n + i))];
            reference[(2 * i) + 1] = noise[(2 * (n + i)) + 1];
        }

        // mean shift 1, std 2 vs 1 in the first axis: FD = 1 + (2 - 1)^2 = 2.
        var score = new FrechetDistanceMetric().Score(x, n, new MetricInputs { SampleSize = d, Teacher = reference });
        Assert.InRange(score, 1.8, 2.2);
    }

    [Fact]
    public void Kid_of_identical_sets_is_near_zero_and_of_shifted_sets_clearly_positive()
    {
        const int n = 400, d = 8;
        var noise = NoiseSet.Create(new NoiseSpec(9, 2 * n), d).Values.ToArray();
        var x = noise[..(n * d)];
        var y = noise[(n * d)..];
        var shifted = y.Select(v => v + 1.0).ToArray();
        var metric = new KernelInceptionDistanceMetric();

        var same = metric.Score(x, n, new MetricInputs { SampleSize = d, Teacher = x });
        var fresh = metric.Score(x, n, new MetricInputs { SampleSize = d, Teacher = y });
        var far = metric.Score(x, n, new MetricInputs { SampleSize = d, Teacher = shifted });

        // Unbiased: identical sets give a small negative number (the diagonal terms are left out), independent
        // draws scatter around 0.
        Assert.InRange(same, -0.05, 0.0);
        Assert.InRange(fresh, -0.05, 0.05);
        Assert.True(far > 1.0, $"kid of sets shifted by 1 in every axis was {far}");
        Assert.Equal(far, KernelInceptionDistanceMetric.Mmd2(x, n, shifted, n, d), 9);
    }

    [Fact]
    public void Teacher_rmse_of_the_teacher_itself_is_zero_and_of_an_offset_is_the_offset()
    {
        var teacher = NoiseSet.Create(new NoiseSpec(2, 10), 6).Values.ToArray();
        var inputs = new MetricInputs { SampleSize = 6, Teacher = teacher };
        Assert.Equal(0.0, new TeacherRmseMetric().Score(teacher, 10, inputs));
        Assert.Equal(0.0, new TeacherRelativeMetric().Score(teacher, 10, inputs));
        var offset = teacher.Select(v => v + 0.25).ToArray();
        Assert.Equal(0.25, new TeacherRmseMetric().Score(offset, 10, inputs), 12);
    }

    [Fact]
    public void Teacher_relative_is_the_relative_l2_error_per_sample()
    {
        double[] teacher = [3.0, 4.0];
        double[] x = [3.0, 4.5];
        var inputs = new MetricInputs { SampleSize = 2, Teacher = teacher };
        Assert.Equal(0.5 / 5.0, new TeacherRelativeMetric().Score(x, 1, inputs), 12);
    }

    [Fact]
    public void Gmm_nll_on_a_single_gaussian_matches_the_closed_form()
    {
        double[] mu = [1.0, -1.0], v = [0.5, 2.0];
        var mixture = new GaussianMixture([1.0], [mu], [v]);
        double[] x = [1.5, 0.0, 1.0, -1.0];
        var expected = 0.0;
        for (var i = 0; i < 2; i++)
        {
            for (var d = 0; d < 2; d++)
            {
                var diff = x[(2 * i) + d] - mu[d];
                expected += 0.5 * (Math.Log(2.0 * Math.PI * v[d]) + (diff * diff / v[d]));
            }
        }

        var score = new GmmNllMetric().Score(x, 2, new MetricInputs { SampleSize = 2, Mixture = mixture });
        Assert.Equal(expected / 2.0, score, 12);
    }

    [Fact]
    public void Robust_summary_reports_median_worst_share_and_flips()
    {
        var mixture = new GaussianMixture([0.5, 0.5], [[-3.0], [3.0]], [[1.0], [1.0]]);
        // 20 samples: 19 exact, one landing in the other component.
        var teacher = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? -3.0 : 3.0).ToArray();
        var x = (double[])teacher.Clone();
        x[4] = 3.0;
        var summary = RobustSummary.Compute(x, 20, 1, teacher, new MixtureLikelihood(mixture));
        Assert.Equal(0.0, summary.MedianError);
        Assert.Equal(1.0, summary.Worst5Share);
        Assert.Equal(0.05, summary.FlipRate);
        Assert.Contains("\"flip_rate\":0.05", summary.ToJson(20), StringComparison.Ordinal);
    }

    [Fact]
    public void Teacher_rmse_is_the_root_of_the_mean_squared_error_and_teacher_mean_rmse_the_mean_of_per_sample_rmses()
    {
        // Two samples of two values: errors (3, 4) and (0, 0), so per-sample RMSEs sqrt(12.5) and 0.
        double[] teacher = [1.0, 2.0, 3.0, 4.0];
        double[] x = [4.0, 6.0, 3.0, 4.0];
        var inputs = new MetricInputs { SampleSize = 2, Teacher = teacher };

        Assert.Equal(Math.Sqrt(25.0 / 4.0), new TeacherRmseMetric().Score(x, 2, inputs), 14);
        Assert.Equal(Math.Sqrt(12.5) / 2.0, new TeacherMeanRmseMetric().Score(x, 2, inputs), 14);
    }

    [Fact]
    public void Teacher_mean_rmse_is_keyed_as_teacher_rmse_was_and_teacher_rmse_under_a_new_kind()
    {
        Assert.Equal("teacher-rmse", MetricCatalog.KeyKind("teacher-mean-rmse"));
        Assert.Equal("teacher-pooled-rmse", MetricCatalog.KeyKind("teacher-rmse"));
        Assert.Equal("fd", MetricCatalog.KeyKind("fd"));
        foreach (var name in MetricCatalog.Names)
        {
            Assert.Equal(name, MetricCatalog.NameOfKeyKind(MetricCatalog.KeyKind(name)));
            Assert.Equal(name, MetricCatalog.Create(name).Name);
        }
    }

    [Fact]
    public void Robust_summary_gives_each_teacher_metric_the_standard_error_of_its_per_sample_errors()
    {
        // One value per sample against a zero teacher: per-sample RMSEs 1..4, per-sample squared errors 1, 4, 9, 16.
        double[] x = [1.0, -2.0, 3.0, 4.0];
        var summary = RobustSummary.Compute(x, 4, 1, new double[4], null);

        var meanRmseSe = Math.Sqrt(5.0 / 3.0) / 2.0;
        var rmseSe = Math.Sqrt(43.0) / 2.0 / (2.0 * Math.Sqrt(7.5));
        Assert.Equal(meanRmseSe, summary.MeanRmseStandardError!.Value, 12);
        Assert.Equal(rmseSe, summary.RmseStandardError!.Value, 12);
        var json = summary.ToJson(4);
        Assert.Equal(meanRmseSe, RobustSummary.StandardErrorOf(json, "teacher-mean-rmse")!.Value, 12);
        Assert.Equal(rmseSe, RobustSummary.StandardErrorOf(json, "teacher-rmse")!.Value, 12);
        Assert.Null(RobustSummary.StandardErrorOf(json, "fd"));
        Assert.Null(RobustSummary.StandardErrorOf("{\"samples\":4}", "teacher-rmse"));
    }

    [Fact]
    public void Unknown_metric_names_are_refused_with_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricCatalog.Create("fid"));
        Assert.Contains("teacher-rmse", ex.Message, StringComparison.Ordinal);
    }
}
