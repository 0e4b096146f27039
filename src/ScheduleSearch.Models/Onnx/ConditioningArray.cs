using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// One conditioning input of a text-conditioned model with its arrays: the positive rows (one per prompt, or one for
/// all) and the negative rows of classifier-free guidance (null when the negative prompt keeps the positive row).
/// </summary>
/// <param name="Input">The ONNX input name.</param>
/// <param name="ElementType">The input's element type.</param>
/// <param name="Positive">inputs.conditioning's array, [P or 1, ...].</param>
/// <param name="Negative">guidance.negative's array, [P or 1, ...], or null.</param>
internal sealed record ConditioningArray(string Input, TensorElementType ElementType, NpyArray Positive, NpyArray? Negative)
{
    /// <summary>The shape of one row (the array's shape after its first axis).</summary>
    public long[] RowShape => Positive.Shape.Skip(1).Select(d => (long)d).ToArray();

    /// <summary>Values per row.</summary>
    public int RowSize => Positive.RowSize;

    /// <summary>The row condition <paramref name="condition"/> reads: prompt c's row, or for ~c the negative prompt that goes with it.</summary>
    public ReadOnlySpan<double> RowFor(int condition)
    {
        if (condition >= 0)
        {
            return Positive.Row(condition % Positive.Rows);
        }

        var source = Negative ?? Positive;
        return source.Row(~condition % source.Rows);
    }
}
