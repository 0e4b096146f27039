namespace ScheduleSearch.Search.Surrogates;

/// <summary>Kendall's tau-b between two score lists (pairs tied in either are left out of the count).</summary>
internal static class KendallTau
{
    public static double Compute(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        long concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
        for (var i = 0; i < a.Count; i++)
        {
            for (var j = i + 1; j < a.Count; j++)
            {
                var da = Math.Sign(a[i] - a[j]);
                var db = Math.Sign(b[i] - b[j]);
                if (da == 0 && db == 0)
                {
                    continue;
                }

                if (da == 0)
                {
                    tiesA++;
                }
                else if (db == 0)
                {
                    tiesB++;
                }
                else if (da == db)
                {
                    concordant++;
                }
                else
                {
                    discordant++;
                }
            }
        }

        var denominator = Math.Sqrt((double)(concordant + discordant + tiesA) * (concordant + discordant + tiesB));
        return denominator > 0 ? (concordant - discordant) / denominator : 0;
    }
}
