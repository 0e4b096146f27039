namespace ScheduleSearch.Core.Ems;

/// <summary>
/// Estimates DPM-Solver-v3's empirical model statistics as the authors' compute_EMS script does
/// (refdata/dpm_solver_v3/README.md section 2), per data element on a grid uniform in lambda:
/// l_j = E[sigma_j v (d eps/dx) v] (Hutchinson, Rademacher v); l' = central differences of l smoothed by a moving
/// average; then with f = (sigma eps - l x)/alpha and f' = e^(-lambda) ((l - 1) eps + eps') - l' x/alpha (eps' the
/// derivative of eps along the ODE in lambda), s and b are the least-squares line f' ~ s f + b. Data rows are the
/// same batches at every grid point; noise and probes come from <see cref="IEmsDraws"/>.
/// </summary>
public static class EmsEstimator
{
    /// <summary>
    /// Runs both passes. <paramref name="data"/> holds at least Batches x BatchSize rows of D values (row-major);
    /// <paramref name="progress"/> receives the grid points finished (out of 2 (K + 1)).
    /// </summary>
    public static EmsEstimate Estimate(IEmsModel model, ReadOnlySpan<double> data, EmsEstimatorOptions options, IEmsDraws draws, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(draws);
        var d = model.SampleSize;
        var k = options.Intervals;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Batches, 1);
        var rows = options.BatchSize * options.Batches;
        if (data.Length < rows * d)
        {
            throw new ArgumentException($"the estimate uses {options.Batches} batches of {options.BatchSize} data samples ({rows} rows of {d} values); the data hold {data.Length / d} rows", nameof(data));
        }

        var schedule = model.Schedule;
        var tStart = options.TStart ?? schedule.DefaultTStart;
        var tEnd = options.TEnd ?? schedule.DefaultTEnd;
        if (!(tStart > tEnd) || !(tEnd > 0.0))
        {
            throw new ArgumentException($"the statistics grid runs from t_start {tStart} down to t_end {tEnd} > 0");
        }

        // The grid as the sampler rebuilds it: lambda-linspace, to times, back to lambda.
        var lambdaStart = schedule.Lambda(tStart);
        var lambdaEnd = schedule.Lambda(tEnd);
        var times = Spacings.Grids.LogSnr(schedule, k, tStart, tEnd);
        var lambda = times.Select(schedule.Lambda).ToArray();
        var x0 = data[..(rows * d)].ToArray();
        var size = (k + 1) * d;
        var l = new double[size];
        var done = 0;

        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = model.IsThreadSafe ? Math.Max(1, options.MaxParallelism) : 1,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, k + 1, parallel, j =>
        {
            FirstPass(model, options, draws, times[j], j, x0, l.AsSpan(j * d, d));
            progress?.Report(Interlocked.Increment(ref done));
        });

        // dl/dlambda: differences with the spacing of lambda(t_end) itself, then the truncated moving average.
        var h = (lambdaEnd - lambdaStart) / k;
        var raw = new double[size];
        for (var j = 0; j <= k; j++)
        {
            for (var e = 0; e < d; e++)
            {
                raw[(j * d) + e] = j == 0 ? (l[d + e] - l[e]) / h
                    : j == k ? (l[(k * d) + e] - l[((k - 1) * d) + e]) / h
                    : (l[((j + 1) * d) + e] - l[((j - 1) * d) + e]) / (2.0 * h);
            }
        }

        var lDerivative = new double[size];
        var w = options.SmoothingHalfWidth;
        for (var j = 0; j <= k; j++)
        {
            var from = Math.Max(0, j - w);
            var to = Math.Min(k, j + w);
            for (var e = 0; e < d; e++)
            {
                var sum = 0.0;
                for (var m = from; m <= to; m++)
                {
                    sum += raw[(m * d) + e];
                }

                lDerivative[(j * d) + e] = sum / (to - from + 1);
            }
        }

        var f1 = new double[size];
        var f2 = new double[size];
        var f11 = new double[size];
        var f12 = new double[size];
        Parallel.For(0, k + 1, parallel, j =>
        {
            SecondPass(model, options, draws, times[j], lambda[j], j, x0, l.AsSpan(j * d, d), lDerivative.AsSpan(j * d, d),
                f1.AsSpan(j * d, d), f2.AsSpan(j * d, d), f11.AsSpan(j * d, d), f12.AsSpan(j * d, d));
            progress?.Report(Interlocked.Increment(ref done));
        });

        var s = new double[size];
        var b = new double[size];
        for (var i = 0; i < size; i++)
        {
            // Least squares f' ~ s f + b; where f does not vary (variance 0) the slope is undefined: s = 0, b = mean f'.
            var variance = f11[i] - (f1[i] * f1[i]);
            s[i] = variance != 0.0 ? (f12[i] - (f1[i] * f2[i])) / variance : 0.0;
            b[i] = f2[i] - (s[i] * f1[i]);
        }

        return new EmsEstimate(new EmsStatistics(lambda, l, s, b, d), times, lDerivative, f1, f2, f11, f12);
    }

    private static void FirstPass(IEmsModel model, EmsEstimatorOptions options, IEmsDraws draws, double t, int j, double[] data, Span<double> l)
    {
        var d = model.SampleSize;
        var n = options.BatchSize;
        var alpha = model.Schedule.Alpha(t);
        var sigma = model.Schedule.Sigma(t);
        var v = new double[n * d];
        var z = new double[n * d];
        var x = new double[n * d];
        var u = new double[n * d];
        l.Clear();
        for (var batch = 0; batch < options.Batches; batch++)
        {
            draws.Rademacher(j, batch, v);
            draws.FirstPassNoise(j, batch, z);
            var rows = data.AsSpan(batch * n * d, n * d);
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (alpha * rows[i]) + (sigma * z[i]);
            }

            model.Tangent(x, n, t, v, 0.0, u);
            for (var e = 0; e < d; e++)
            {
                var sum = 0.0;
                for (var r = 0; r < n; r++)
                {
                    sum += sigma * v[(r * d) + e] * u[(r * d) + e];
                }

                l[e] += sum / n / options.Batches;
            }
        }
    }

    private static void SecondPass(
        IEmsModel model,
        EmsEstimatorOptions options,
        IEmsDraws draws,
        double t,
        double lambda,
        int j,
        double[] data,
        ReadOnlySpan<double> l,
        ReadOnlySpan<double> lDerivative,
        Span<double> f1,
        Span<double> f2,
        Span<double> f11,
        Span<double> f12)
    {
        var d = model.SampleSize;
        var n = options.BatchSize;
        var alpha = model.Schedule.Alpha(t);
        var sigma = model.Schedule.Sigma(t);
        var decay = Math.Exp(-lambda);
        var z = new double[n * d];
        var x = new double[n * d];
        var eps = new double[n * d];
        var direction = new double[n * d];
        var epsDerivative = new double[n * d];
        for (var batch = 0; batch < options.Batches; batch++)
        {
            draws.SecondPassNoise(j, batch, z);
            var rows = data.AsSpan(batch * n * d, n * d);
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (alpha * rows[i]) + (sigma * z[i]);
            }

            model.Noise(x, n, t, eps);
            for (var i = 0; i < x.Length; i++)
            {
                // dx/dlambda along the probability-flow ODE.
                direction[i] = (sigma * sigma * x[i]) - (sigma * eps[i]);
            }

            model.Tangent(x, n, t, direction, 1.0, epsDerivative);
            for (var e = 0; e < d; e++)
            {
                double s1 = 0.0, s2 = 0.0, s11 = 0.0, s12 = 0.0;
                for (var r = 0; r < n; r++)
                {
                    var i = (r * d) + e;
                    var f = ((sigma * eps[i]) - (l[e] * x[i])) / alpha;
                    var fd = (decay * (((l[e] - 1.0) * eps[i]) + epsDerivative[i])) - (lDerivative[e] * x[i] / alpha);
                    s1 += f;
                    s2 += fd;
                    s11 += f * f;
                    s12 += f * fd;
                }

                f1[e] += s1 / n / options.Batches;
                f2[e] += s2 / n / options.Batches;
                f11[e] += s11 / n / options.Batches;
                f12[e] += s12 / n / options.Batches;
            }
        }
    }
}
