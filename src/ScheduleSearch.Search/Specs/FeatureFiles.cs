namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The feature network fd and kid compare samples in (the spec's <c>metric.features</c> block, FORMATS.md), with the
/// data set's fixed feature statistics fd measures against; paths are absolute (resolved against the spec's folder).
/// Without statistics fd compares with the teacher's samples' features.
/// </summary>
/// <param name="Onnx">The embedding network (first input: samples, first output: features [B, F]).</param>
/// <param name="Mean">The data set's feature mean [F] (.npy), or null.</param>
/// <param name="Covariance">The data set's feature covariance [F, F] (.npy), or null (given exactly when the mean is).</param>
public sealed record FeatureFiles(string Onnx, string? Mean, string? Covariance)
{
    /// <summary>
    /// The first rule a features block breaks for a metric of <paramref name="metricKind"/>, as the part it concerns
    /// ("features", "mean" or "covariance") and what is wrong; null when it keeps them all. The spec reader and the
    /// command-line options both check with it and name the part in their own terms.
    /// </summary>
    public static (string Part, string Problem)? Check(string metricKind, bool hasMean, bool hasCovariance)
    {
        if (metricKind is not ("fd" or "kid"))
        {
            return ("features", $"features are compared by fd and kid only; the metric is \"{metricKind}\"");
        }

        if (hasMean != hasCovariance)
        {
            return (hasMean ? "covariance" : "mean", "is missing; give the data set's feature mean and covariance together (or neither, to compare with the teacher's samples)");
        }

        return hasMean && metricKind != "fd" ? ("mean", "fixed feature statistics are used by fd only; kid compares with the teacher's samples") : null;
    }
}
