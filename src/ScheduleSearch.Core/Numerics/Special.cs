namespace ScheduleSearch.Core.Numerics;

/// <summary>Accurate elementary functions that .NET does not provide (its ExpM1/LogP1 are the naive forms).</summary>
public static class Special
{
    /// <summary>e^x - 1 without cancellation for small |x| (Kahan's trick: the rounding of exp is divided out).</summary>
    public static double Expm1(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (Math.Abs(x) < 1e-5)
        {
            return x + (x * x / 2.0) + (x * x * x / 6.0);
        }

        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0 || double.IsInfinity(u))
        {
            return um1;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x) without cancellation for small |x|.</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        if (double.IsInfinity(u))
        {
            return Math.Log(u);
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>log(e^a + e^b), stable for any magnitudes.</summary>
    public static double LogAddExp(double a, double b)
    {
        var max = Math.Max(a, b);
        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        return max + Log1p(Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>
    /// The exponential-integrator functions phi_k(z) for k = 1..count, with phi_1(z) = (e^z - 1)/z and
    /// phi_{k+1}(z) = (phi_k(z) - 1/k!)/z (DPM-Solver eq. 3.4). Small |z| uses the series to avoid cancellation.
    /// </summary>
    public static void Phi(double z, Span<double> phi)
    {
        if (Math.Abs(z) < 0.5)
        {
            // phi_k(z) = sum_{j>=0} z^j / (j + k)!
            for (var k = 1; k <= phi.Length; k++)
            {
                double term = 1.0;
                for (var i = 2; i <= k; i++)
                {
                    term /= i;
                }

                double sum = 0.0;
                for (var j = 0; j < 40 && term != 0.0; j++)
                {
                    sum += term;
                    term *= z / (j + k + 1);
                }

                phi[k - 1] = sum;
            }

            return;
        }

        phi[0] = Expm1(z) / z;
        double factorial = 1.0;
        for (var k = 1; k < phi.Length; k++)
        {
            phi[k] = (phi[k - 1] - (1.0 / factorial)) / z;
            factorial *= k + 1;
        }
    }
}
