namespace ScheduleSearch.Evaluation.Metrics;

/// <summary>
/// Scores a batch of final samples (lower is better). Implementations are stateless apart from caches of
/// reference statistics and may be called from several threads at once.
/// </summary>
public interface IQualityMetric
{
    /// <summary>The metric's name as written in a search spec, e.g. "teacher-rmse".</summary>
    string Name { get; }

    /// <summary>True when the score compares with the teacher's samples on the same noise (<see cref="MetricInputs.Teacher"/>).</summary>
    bool NeedsTeacher { get; }

    /// <summary>True when the score needs the true mixture (<see cref="MetricInputs.Mixture"/>).</summary>
    bool NeedsMixture { get; }

    /// <summary>
    /// True when samples are compared in feature space (<see cref="MetricInputs.Features"/>): the feature extractor's
    /// name is part of the metric's key, and it must fit the model's samples.
    /// </summary>
    bool UsesFeatures { get; }

    /// <summary>
    /// True when fixed data-set statistics (<see cref="MetricInputs.ReferenceStatistics"/>) may stand in for the
    /// teacher's samples: given, their name is part of the key and the teacher is neither computed nor keyed.
    /// </summary>
    bool UsesReferenceStatistics { get; }

    /// <summary>
    /// True when the metric can score decoded images (a spec's <c>"metric": { "decode": true }</c>): it compares the
    /// samples with the teacher's, value by value or in features, which means the same on images as on latents. False
    /// where the score is defined on the latents themselves (gmm-nll: the model's mixture lives in latent space).
    /// </summary>
    bool ScoresDecodedImages => !NeedsMixture;

    /// <summary>The fewest samples the metric can score (2 where it fits a covariance or averages over pairs).</summary>
    int MinimumSamples { get; }

    /// <summary>
    /// True when scoring reads the teacher's samples, given whether fixed reference statistics are
    /// (<paramref name="hasReferenceStatistics"/>): the teacher's spec is then part of the key.
    /// </summary>
    bool NeedsTeacherWith(bool hasReferenceStatistics) => NeedsTeacher && !(UsesReferenceStatistics && hasReferenceStatistics);

    /// <summary>Scores <paramref name="count"/> samples (row-major, count x <see cref="MetricInputs.SampleSize"/>); all values are finite.</summary>
    double Score(ReadOnlySpan<double> samples, int count, MetricInputs inputs, CancellationToken cancellationToken = default);
}
