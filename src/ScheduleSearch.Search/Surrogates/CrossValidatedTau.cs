namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// Kendall's tau of out-of-fold predictions on a training set: the rows are dealt into folds in a seeded random
/// order, each fold is predicted by a surrogate trained on the others, and tau is computed over all rows at once.
/// It asks "does the surrogate rank schedules it has not seen", at no cost in real evaluations. Rows outside
/// <c>ranked</c> (for example the baselines) are trained on but left out of tau.
/// </summary>
internal static class CrossValidatedTau
{
    public static double Compute(Func<ISurrogate> create, IReadOnlyList<double[]> x, IReadOnlyList<double> y, int folds, int seed, Func<int, bool>? ranked = null)
    {
        var order = Enumerable.Range(0, x.Count).ToArray();
        new Random(seed).Shuffle(order);
        var predicted = new double[x.Count];
        for (var f = 0; f < folds; f++)
        {
            var test = order.Where((_, i) => i % folds == f).ToArray();
            var train = order.Where((_, i) => i % folds != f).ToArray();
            var surrogate = create();
            surrogate.Fit(train.Select(i => x[i]).ToArray(), train.Select(i => y[i]).ToArray(), seed + f);
            var p = surrogate.Predict(test.Select(i => x[i]).ToArray());
            for (var k = 0; k < test.Length; k++)
            {
                predicted[test[k]] = p[k];
            }
        }

        var kept = Enumerable.Range(0, x.Count).Where(i => ranked?.Invoke(i) ?? true).ToArray();
        return KendallTau.Compute(kept.Select(i => predicted[i]).ToArray(), kept.Select(i => y[i]).ToArray());
    }
}
