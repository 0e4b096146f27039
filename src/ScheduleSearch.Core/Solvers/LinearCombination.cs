using System.Numerics;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// dst = sum_k w_k src_k in one vectorised pass. Every solver update is linear in the state and the model values,
/// so each step reduces to a handful of scalar weights and one call here (no temporaries, no per-element allocation).
/// dst may be one of the sources.
/// </summary>
internal static class LinearCombination
{
    public static void Apply(Span<double> dst, ReadOnlySpan<double> weights, ReadOnlySpan<double[]> sources)
    {
        Span<double> w = stackalloc double[weights.Length];
        var src = new double[weights.Length][];
        var count = 0;
        for (var k = 0; k < weights.Length; k++)
        {
            if (weights[k] != 0.0)
            {
                w[count] = weights[k];
                src[count] = sources[k];
                count++;
            }
        }

        var n = dst.Length;
        if (count == 0)
        {
            dst.Clear();
            return;
        }

        var width = Vector<double>.Count;
        var i = 0;
        for (; i <= n - width; i += width)
        {
            var acc = new Vector<double>(src[0].AsSpan(i, width)) * w[0];
            for (var k = 1; k < count; k++)
            {
                acc += new Vector<double>(src[k].AsSpan(i, width)) * w[k];
            }

            acc.CopyTo(dst.Slice(i, width));
        }

        for (; i < n; i++)
        {
            var acc = src[0][i] * w[0];
            for (var k = 1; k < count; k++)
            {
                acc += src[k][i] * w[k];
            }

            dst[i] = acc;
        }
    }
}
