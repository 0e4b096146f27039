using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// Checks the arrays a card names for its extra inputs (<c>inputs.conditioning</c>, <c>guidance.negative</c>) against
/// the graph: each array exists and reads, its rows have the input's shape after the batch axis, its dtype fits the
/// input, every conditioning array has P or 1 rows for one P, and every negative array 1 or P rows.
/// </summary>
public static class ConditioningCheck
{
    /// <summary>Every problem, each a sentence naming the card field; empty when the arrays fit the graph.</summary>
    public static IReadOnlyList<string> FindProblems(ModelCard card, IReadOnlyDictionary<string, TensorSignature> inputs)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(inputs);
        var problems = new List<string>();
        var prompts = 1;
        foreach (var (name, file) in card.Inputs.Conditioning)
        {
            if (Check(problems, card, inputs, $"inputs.conditioning.{name}", name, file) is { } rows && rows > 1)
            {
                if (prompts > 1 && rows != prompts)
                {
                    problems.Add(Say($"card field 'inputs.conditioning.{name}': '{file}' has {rows} rows, but another conditioning array has {prompts}; every array needs one row per prompt (or 1 row for all)"));
                }

                prompts = Math.Max(prompts, rows);
            }
        }

        foreach (var (name, file) in card.Negative ?? new Dictionary<string, string>())
        {
            var field = $"guidance.negative.{name}";
            if (!card.Inputs.Conditioning.ContainsKey(name))
            {
                problems.Add($"card field '{field}' names input '{name}', which 'inputs.conditioning' does not name; a negative prompt replaces conditioning arrays");
                continue;
            }

            if (Check(problems, card, inputs, field, name, file) is { } rows && rows != 1 && rows != prompts)
            {
                problems.Add(Say($"card field '{field}': '{file}' has {rows} rows; expected 1 (one negative prompt for all) or {prompts} (one per prompt)"));
            }
        }

        return problems;
    }

    /// <summary>Checks one array; returns its rows, or null when it could not be read or has no rows.</summary>
    private static int? Check(List<string> problems, ModelCard card, IReadOnlyDictionary<string, TensorSignature> inputs, string field, string name, string file)
    {
        if (!inputs.TryGetValue(name, out var input))
        {
            problems.Add($"card field '{field}' names input '{name}', but the ONNX graph has no such input (it has {string.Join(", ", inputs.Keys.Select(k => $"'{k}'"))})");
            return null;
        }

        NpyArray array;
        try
        {
            array = Npy.Read(card.Resolve(file));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            problems.Add($"card field '{field}': cannot read '{file}': {e.Message}");
            return null;
        }

        problems.AddRange(ShapeProblems(field, file, array, input));
        return array.Shape.Length == 0 || array.Rows == 0 ? null : array.Rows;
    }

    /// <summary>What is wrong with <paramref name="array"/> as rows of <paramref name="input"/> (empty when it fits).</summary>
    public static IEnumerable<string> ShapeProblems(string field, string file, NpyArray array, TensorSignature input)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(input);
        var shape = string.Join(", ", array.Shape);
        if (array.Shape.Length == 0 || array.Rows == 0)
        {
            yield return $"card field '{field}': '{file}' has shape [{shape}]; expected [P, ...] with at least one row";
            yield break;
        }

        if (input.Rank != array.Shape.Length)
        {
            yield return Say($"card field '{field}': '{file}' has shape [{shape}] (rank {array.Shape.Length}), but input {input} has rank {input.Rank}");
            yield break;
        }

        for (var i = 1; i < input.Rank; i++)
        {
            if (input.Dimensions[i] > 0 && input.Dimensions[i] != array.Shape[i])
            {
                yield return Say($"card field '{field}': '{file}' has shape [{shape}], but input {input} fixes axis {i} at {input.Dimensions[i]}");
            }
        }

        var integerInput = input.ElementType is TensorElementType.Int64 or TensorElementType.Int32;
        var floatInput = input.ElementType is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Double;
        if (!integerInput && !floatInput)
        {
            yield return $"card field '{field}': input {input} has element type {TensorSignature.TypeName(input.ElementType)}; conditioning inputs must be float, float16, double, int64 or int32";
        }
        else if (integerInput != array.IsInteger)
        {
            yield return $"card field '{field}': '{file}' has dtype '{array.DType}', but input {input} needs {(integerInput ? "an integer array ('<i8' or '<i4')" : "a float array ('<f4', '<f2' or '<f8')")}";
        }
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
