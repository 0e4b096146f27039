using MathNet.Numerics.LinearAlgebra;

namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>
/// The Frechet distance between the Gaussian fit of a set of feature vectors and stored statistics:
/// |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr (S1^1/2 S2 S1^1/2)^1/2 (FID's formula).
/// </summary>
public static class Frechet
{
    /// <summary>The distance of <paramref name="count"/> rows of <paramref name="features"/> from N(mean, covariance).</summary>
    public static double Distance(double[] features, int count, Vector<double> mean, Matrix<double> covariance)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        var size = mean.Count;
        var rows = Matrix<double>.Build.Dense(count, size, (i, d) => features[(i * size) + d]);
        var ownMean = rows.ColumnSums() / count;
        var centred = Matrix<double>.Build.Dense(count, size, (i, d) => rows[i, d] - ownMean[d]);
        var ownCovariance = centred.TransposeThisAndMultiply(centred) / (count - 1);
        var root = SymmetricSqrt(covariance);
        var product = root * ownCovariance * root;
        product = (product + product.Transpose()) * 0.5;
        var traceRoot = product.Evd(Symmetricity.Symmetric).EigenValues.Sum(l => Math.Sqrt(Math.Max(l.Real, 0.0)));
        var diff = ownMean - mean;
        return diff.DotProduct(diff) + covariance.Trace() + ownCovariance.Trace() - (2.0 * traceRoot);
    }

    private static Matrix<double> SymmetricSqrt(Matrix<double> matrix)
    {
        var evd = matrix.Evd(Symmetricity.Symmetric);
        var roots = evd.EigenValues.Map(l => Math.Sqrt(Math.Max(l.Real, 0.0)));
        return evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(roots) * evd.EigenVectors.Transpose();
    }
}
