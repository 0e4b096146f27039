using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Tests.Support;

namespace ScheduleSearch.Models.Tests.Gmm;

public class GmmFitterTests
{
    [Fact]
    public void Em_recovers_the_weights_means_and_variances_of_well_separated_components()
    {
        var truth = TestMixtures.Random(3, 2, 21);
        var random = new Random(4);
        const int rows = 3000;
        var data = new double[rows * 2];
        for (var i = 0; i < rows; i++)
        {
            var k = i % 3;
            for (var j = 0; j < 2; j++)
            {
                data[(i * 2) + j] = (10 * k) + truth.Means[k][j] + (Math.Sqrt(truth.Variances[k][j]) * TestMixtures.Normal(random));
            }
        }

        var fit = GmmFitter.Fit(new NpyArray([rows, 2], data), new GmmFitOptions { Components = 3, Seed = 1, VarianceFloor = 1e-6 });

        for (var k = 0; k < 3; k++)
        {
            var c = Enumerable.Range(0, 3).MinBy(c => Math.Abs(fit.Mixture.Means[c][0] - ((10 * k) + truth.Means[k][0])));
            Assert.Equal(1.0 / 3, fit.Mixture.Weights[c], tolerance: 0.01);
            for (var j = 0; j < 2; j++)
            {
                Assert.Equal((10 * k) + truth.Means[k][j], fit.Mixture.Means[c][j], tolerance: 0.1);
                Assert.InRange(fit.Mixture.Variances[c][j] / truth.Variances[k][j], 0.85, 1.15);
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_fit()
    {
        var random = new Random(2);
        var data = new NpyArray([400, 3], Enumerable.Range(0, 1200).Select(_ => TestMixtures.Normal(random)).ToArray());
        var options = new GmmFitOptions { Components = 4, Seed = 7, MaxIterations = 10 };

        var a = GmmFitter.Fit(data, options);
        var b = GmmFitter.Fit(data, options);

        Assert.Equal(a.Mixture.Means.SelectMany(m => m), b.Mixture.Means.SelectMany(m => m));
        Assert.Equal(a.MeanLogLikelihood, b.MeanLogLikelihood);
    }
}
