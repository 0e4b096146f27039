namespace ScheduleSearch.Models.Arrays;

/// <summary>An n-dimensional float64 array read from or written to NumPy's .npy format (C order).</summary>
public sealed record NpyArray(int[] Shape, double[] Data)
{
    /// <summary>Number of rows (the first axis), 1 for a scalar.</summary>
    public int Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Values per row (the product of the other axes).</summary>
    public int RowSize => Shape.Length <= 1 ? 1 : Shape.Skip(1).Aggregate(1, (a, b) => a * b);
}
