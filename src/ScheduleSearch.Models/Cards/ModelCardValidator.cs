using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Cards;

/// <summary>
/// Checks a card against the ONNX graph's real inputs and outputs: every name the card uses exists, ranks and element
/// types fit the role, fixed dimensions agree with sample_shape, and the graph needs no input the card does not name.
/// </summary>
public static class ModelCardValidator
{
    /// <summary>Every mismatch, each a sentence naming the input or output; empty when the card fits the graph.</summary>
    public static IReadOnlyList<string> FindProblems(ModelCard card, IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var problems = new List<string>();
        var byName = inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var known = string.Join(", ", inputs.Select(i => $"'{i.Name}'"));

        TensorSignature? Find(string field, string name)
        {
            if (byName.TryGetValue(name, out var signature))
            {
                return signature;
            }

            problems.Add($"card field '{field}' names input '{name}', but the ONNX graph has no such input (it has {known})");
            return null;
        }

        if (Find("inputs.sample", card.Inputs.Sample) is { } sample)
        {
            CheckFloat(problems, "input", sample);
            CheckSampleShape(problems, "input", sample, card.SampleShape);
        }

        if (Find("inputs.time", card.Inputs.Time) is { } time)
        {
            if (time.Rank > 1)
            {
                problems.Add(Say($"time input '{time.Name}' has rank {time.Rank}; expected rank 1 ([batch]) or a scalar"));
            }

            var intAllowed = card.Inputs.TimeConvention == TimeConvention.DiscreteIndex;
            if (!(IsFloat(time.ElementType) || time.ElementType == TensorElementType.Double || (intAllowed && IsInteger(time.ElementType))))
            {
                problems.Add($"time input '{time.Name}' has element type {TensorSignature.TypeName(time.ElementType)}; expected float, float16 or double{(intAllowed ? " (or int64/int32 for discrete-index)" : string.Empty)}");
            }
        }

        if (card.ClassInput is { } classInput)
        {
            var field = card.Inputs.Class is null ? "guidance.class_input" : "inputs.class";
            if (Find(field, classInput) is { } cls)
            {
                if (cls.Rank != 1)
                {
                    problems.Add(Say($"class input '{cls.Name}' has rank {cls.Rank}; expected rank 1 ([batch])"));
                }

                if (cls.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32))
                {
                    problems.Add($"class input '{cls.Name}' has element type {TensorSignature.TypeName(cls.ElementType)}; expected int64 or int32");
                }
            }
        }

        problems.AddRange(ConditioningCheck.FindProblems(card, byName));
        var named = new HashSet<string>(new[] { card.Inputs.Sample, card.Inputs.Time, card.ClassInput }.OfType<string>().Concat(card.Inputs.Conditioning.Keys), StringComparer.Ordinal);
        foreach (var extra in inputs.Where(i => !named.Contains(i.Name)))
        {
            problems.Add($"the ONNX graph has input '{extra.Name}' ({extra}) that the card does not name (list it under 'inputs.conditioning' with a .npy of its rows); the model cannot be fed");
        }

        var output = outputs.FirstOrDefault(o => o.Name == card.Output.Name);
        if (output is null)
        {
            problems.Add($"card field 'output.name' names output '{card.Output.Name}', but the ONNX graph has no such output (it has {string.Join(", ", outputs.Select(o => $"'{o.Name}'"))})");
        }
        else
        {
            CheckFloat(problems, "output", output);
            CheckSampleShape(problems, "output", output, card.SampleShape);
        }

        return problems;
    }

    /// <summary>Throws a <see cref="ModelCardException"/> listing every mismatch, if any.</summary>
    public static void Validate(ModelCard card, IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        var problems = FindProblems(card, inputs, outputs);
        if (problems.Count > 0)
        {
            throw new ModelCardException($"model card '{card.Name}' does not match {card.OnnxPath}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>The batch size fixed by the graph's sample input, or null when its batch axis is free.</summary>
    public static int? FixedBatch(TensorSignature sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Rank > 0 && sample.Dimensions[0] > 0 ? checked((int)sample.Dimensions[0]) : null;
    }

    internal static bool IsFloat(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Float16;

    /// <summary>True for the integer time inputs of networks trained on the discrete grid (diffusers' int64 timestep).</summary>
    public static bool IsInteger(TensorElementType type) => type is TensorElementType.Int64 or TensorElementType.Int32;

    private static void CheckFloat(List<string> problems, string role, TensorSignature signature)
    {
        if (!IsFloat(signature.ElementType))
        {
            problems.Add($"{role} '{signature.Name}' has element type {TensorSignature.TypeName(signature.ElementType)}; expected float or float16");
        }
    }

    private static void CheckSampleShape(List<string> problems, string role, TensorSignature signature, IReadOnlyList<int> sampleShape)
    {
        var expected = sampleShape.Count + 1;
        if (signature.Rank != expected)
        {
            problems.Add(Say($"{role} '{signature.Name}' has rank {signature.Rank} ({signature}); the card's sample_shape [{string.Join(", ", sampleShape)}] plus the batch axis needs rank {expected}"));
            return;
        }

        for (var i = 0; i < sampleShape.Count; i++)
        {
            var dim = signature.Dimensions[i + 1];
            if (dim > 0 && dim != sampleShape[i])
            {
                problems.Add(Say($"{role} '{signature.Name}' has dimension {i + 1} fixed at {dim}, but sample_shape[{i}] is {sampleShape[i]}"));
            }
        }
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
