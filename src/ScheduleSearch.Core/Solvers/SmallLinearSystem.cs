namespace ScheduleSearch.Core.Solvers;

/// <summary>Gaussian elimination with partial pivoting for the tiny (at most 4 x 4) systems of the solvers.</summary>
internal static class SmallLinearSystem
{
    /// <summary>Solves A x = b for x (n x n, row-major in <paramref name="a"/>); A and b are overwritten.</summary>
    public static void Solve(Span<double> a, Span<double> b, int n)
    {
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[(row * n) + col]) > Math.Abs(a[(pivot * n) + col]))
                {
                    pivot = row;
                }
            }

            if (pivot != col)
            {
                for (var k = 0; k < n; k++)
                {
                    (a[(col * n) + k], a[(pivot * n) + k]) = (a[(pivot * n) + k], a[(col * n) + k]);
                }

                (b[col], b[pivot]) = (b[pivot], b[col]);
            }

            var diag = a[(col * n) + col];
            for (var row = col + 1; row < n; row++)
            {
                var factor = a[(row * n) + col] / diag;
                if (factor == 0.0)
                {
                    continue;
                }

                for (var k = col; k < n; k++)
                {
                    a[(row * n) + k] -= factor * a[(col * n) + k];
                }

                b[row] -= factor * b[col];
            }
        }

        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= a[(row * n) + k] * b[k];
            }

            b[row] = sum / a[(row * n) + row];
        }
    }
}
