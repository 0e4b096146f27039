namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A denoiser that can evaluate rows at different times in one model run: what batching the model calls of several
/// candidates' states (issue 6, the evaluator's lockstep mode) needs, since candidates at the same step of their
/// schedules are mostly at different times. Rows at equal times give what <see cref="IDenoiser.Predict"/> gives.
/// </summary>
public interface IRowTimeDenoiser : IDenoiser
{
    /// <summary>
    /// True when <see cref="PredictRows"/> is one model run; false when this denoiser can only evaluate one time per
    /// run (a network whose time input is a scalar, a class-conditional network whose labels follow the row), and
    /// callers should group rows by time and call <see cref="IDenoiser.Predict"/>.
    /// </summary>
    bool HandlesRowTimes { get; }

    /// <summary>
    /// Evaluates row r of <paramref name="x"/> (row-major, t.Length x SampleSize) at time <paramref name="t"/>[r] and
    /// writes both predictions. Counts one call. Throws <see cref="NotSupportedException"/> when
    /// <see cref="HandlesRowTimes"/> is false.
    /// </summary>
    void PredictRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> x0, Span<double> eps);
}
