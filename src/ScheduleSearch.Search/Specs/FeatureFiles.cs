namespace ScheduleSearch.Search.Specs;

/// <summary>
/// The feature network fd and kid compare samples in (the spec's <c>metric.features</c> block, FORMATS.md), with the
/// data set's fixed feature statistics fd measures against; paths are absolute (resolved against the spec's folder).
/// Without statistics fd compares with the teacher's samples' features.
/// </summary>
/// <param name="Onnx">The embedding network (first input: samples, first output: features [B, F]).</param>
/// <param name="Mean">The data set's feature mean [F] (.npy), or null.</param>
/// <param name="Covariance">The data set's feature covariance [F, F] (.npy), or null (given exactly when the mean is).</param>
public sealed record FeatureFiles(string Onnx, string? Mean, string? Covariance);
