namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>Reading the classifier's output rows.</summary>
public static class Logits
{
    /// <summary>The index of the largest value (the predicted class of one logits row).</summary>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
