using MathNet.Numerics.LinearAlgebra;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>The mean and (unbiased) covariance of a set of feature vectors, and the Frechet distance between two such fits.</summary>
/// <param name="Mean">The mean vector.</param>
/// <param name="Covariance">The covariance matrix, divided by n - 1.</param>
public sealed record GaussianFit(Vector<double> Mean, Matrix<double> Covariance)
{
    /// <summary>Fits <paramref name="count"/> row-major feature vectors of <paramref name="size"/> values (count &gt;= 2).</summary>
    public static GaussianFit Of(ReadOnlySpan<double> features, int count, int size)
    {
        if (count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a covariance needs at least two samples");
        }

        var mean = new double[size];
        for (var i = 0; i < count; i++)
        {
            var row = features.Slice(i * size, size);
            for (var d = 0; d < size; d++)
            {
                mean[d] += row[d];
            }
        }

        for (var d = 0; d < size; d++)
        {
            mean[d] /= count;
        }

        var centred = Matrix<double>.Build.Dense(count, size);
        for (var i = 0; i < count; i++)
        {
            var row = features.Slice(i * size, size);
            for (var d = 0; d < size; d++)
            {
                centred[i, d] = row[d] - mean[d];
            }
        }

        var covariance = centred.TransposeThisAndMultiply(centred) / (count - 1);
        return new GaussianFit(Vector<double>.Build.Dense(mean), covariance);
    }

    /// <summary>The symmetric square root of a positive semi-definite matrix (negative eigenvalues from rounding clipped to 0).</summary>
    public static Matrix<double> SymmetricSqrt(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var evd = matrix.Evd(Symmetricity.Symmetric);
        var roots = evd.EigenValues.Map(l => Math.Sqrt(Math.Max(l.Real, 0.0)));
        return evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * evd.EigenVectors.Transpose();
    }

    /// <summary>
    /// The Frechet distance between N(mu1, S1) and N(mu2, S2):
    /// |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2 (Dowson and Landau 1982; FID's formula),
    /// given <paramref name="referenceSqrt"/> = S1^1/2 of <paramref name="reference"/>.
    /// </summary>
    public static double FrechetDistance(GaussianFit reference, Matrix<double> referenceSqrt, GaussianFit other)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(referenceSqrt);
        ArgumentNullException.ThrowIfNull(other);
        var diff = reference.Mean - other.Mean;
        var product = referenceSqrt * other.Covariance * referenceSqrt;
        product = (product + product.Transpose()) * 0.5;
        var eigen = product.Evd(Symmetricity.Symmetric).EigenValues;
        var traceSqrt = 0.0;
        foreach (var l in eigen)
        {
            traceSqrt += Math.Sqrt(Math.Max(l.Real, 0.0));
        }

        var distance = diff.DotProduct(diff) + reference.Covariance.Trace() + other.Covariance.Trace() - (2.0 * traceSqrt);
        return Math.Max(distance, 0.0);
    }

    /// <summary>The Frechet distance between two fits.</summary>
    public static double FrechetDistance(GaussianFit first, GaussianFit second) =>
        FrechetDistance(first, SymmetricSqrt(first.Covariance), second);
}
