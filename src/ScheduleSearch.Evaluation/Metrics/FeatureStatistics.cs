using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Fixed feature statistics of a data set (FID's reference statistics), for fd against the data rather than against
/// the teacher's samples, e.g. models/fashion-classifier/features_mean.npy and features_cov.npy.
/// </summary>
/// <param name="Name">A stable identity, part of the metric's cache key (the files' content hash).</param>
/// <param name="Fit">The mean and covariance.</param>
public sealed record FeatureStatistics(string Name, GaussianFit Fit)
{
    /// <summary>Reads a mean vector [F] and a covariance matrix [F, F] from .npy files.</summary>
    public static FeatureStatistics Load(string meanPath, string covariancePath)
    {
        var mean = Npy.Read(meanPath);
        var covariance = Npy.Read(covariancePath);
        var size = mean.Data.Length;
        if (covariance.Shape.Length != 2 || covariance.Shape[0] != size || covariance.Shape[1] != size)
        {
            throw new ArgumentException($"{covariancePath}: shape [{string.Join(",", covariance.Shape)}] is not [{size},{size}] to match {meanPath}");
        }

        var fit = new GaussianFit(Vector<double>.Build.Dense(mean.Data), Matrix<double>.Build.Dense(size, size, (i, j) => covariance.Data[(i * size) + j]));
        return new FeatureStatistics(NameOf(meanPath, covariancePath), fit);
    }

    /// <summary>The <see cref="Name"/> statistics read from these files get (their content hash), without reading the arrays.</summary>
    public static string NameOf(string meanPath, string covariancePath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(meanPath));
        sha.AppendData(File.ReadAllBytes(covariancePath));
        return "stats-sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
