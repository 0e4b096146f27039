namespace ScheduleSearch.Search.Surrogates;

/// <summary>A model of log-score (lower is better) whose ranking of candidates guides the search.</summary>
internal interface ISurrogate
{
    /// <summary>Trains on feature rows <paramref name="x"/> and targets <paramref name="y"/>; deterministic given <paramref name="seed"/>.</summary>
    void Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int seed);

    /// <summary>Predictions for many rows at once (only their order is used).</summary>
    double[] Predict(IReadOnlyList<double[]> x);
}
