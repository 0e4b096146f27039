namespace ScheduleSearch.Models.Arrays;

/// <summary>An n-dimensional float64 array read from or written to NumPy's .npy format (C order).</summary>
public sealed record NpyArray(int[] Shape, double[] Data)
{
    /// <summary>The dtype the file stored ('&lt;f8', '&lt;f4', '&lt;f2', '&lt;i8' or '&lt;i4'); values are held as float64 either way.</summary>
    public string DType { get; init; } = "<f8";

    /// <summary>True for an integer dtype.</summary>
    public bool IsInteger => DType.StartsWith("<i", StringComparison.Ordinal);

    /// <summary>Row <paramref name="row"/>'s values.</summary>
    public ReadOnlySpan<double> Row(int row) => Data.AsSpan(row * RowSize, RowSize);

    /// <summary>Number of rows (the first axis), 1 for a scalar.</summary>
    public int Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Values per row (the product of the other axes).</summary>
    public int RowSize => Shape.Length <= 1 ? 1 : Shape.Skip(1).Aggregate(1, (a, b) => a * b);
}
