using Microsoft.ML.OnnxRuntime;
using ScheduleSearch.Models.Cards;
using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;

namespace ScheduleSearch.Models.Inspection;

/// <summary>
/// The logic of <c>model inspect CARD_OR_ONNX</c>: opens the graph on CPU, reads the card (given, or model.json next to
/// the .onnx), checks one against the other (and the card's decoder against the latents) and collects every problem
/// instead of stopping at the first.
/// </summary>
public static class ModelInspector
{
    /// <summary>Inspects a card (.json) or an ONNX file; never throws for a bad model, it reports.</summary>
    public static ModelInspectionReport Inspect(string cardOrOnnx)
    {
        ArgumentNullException.ThrowIfNull(cardOrOnnx);
        var problems = new List<string>();
        var path = Path.GetFullPath(cardOrOnnx);
        ModelCard? card = null;
        string? onnxPath;
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            card = TryReadCard(path, problems);
            onnxPath = card?.OnnxPath;
        }
        else
        {
            onnxPath = path;
            var sibling = Path.Combine(Path.GetDirectoryName(path) ?? ".", GmmModelWriter.CardFile);
            if (File.Exists(sibling))
            {
                card = TryReadCard(sibling, problems);
                if (card is not null && card.OnnxPath != path)
                {
                    problems.Add($"the card {sibling} describes {card.OnnxPath}, not {path}");
                    card = null;
                }
            }
            else
            {
                problems.Add($"no model card: expected {sibling} next to the ONNX file");
            }
        }

        IReadOnlyList<TensorSignature> inputs = [], outputs = [];
        if (onnxPath is not null)
        {
            if (!File.Exists(onnxPath))
            {
                problems.Add($"ONNX file {onnxPath} does not exist");
            }
            else
            {
                try
                {
                    using var session = new InferenceSession(onnxPath);
                    inputs = TensorSignature.FromAll(session.InputMetadata);
                    outputs = TensorSignature.FromAll(session.OutputMetadata);
                }
                catch (OnnxRuntimeException e)
                {
                    problems.Add($"ONNX Runtime cannot load {onnxPath}: {e.Message}");
                }
            }
        }

        if (card is not null && inputs.Count > 0)
        {
            problems.AddRange(ModelCardValidator.FindProblems(card, inputs, outputs));
        }

        // The decoder is a graph of its own: its input must take the latents the main graph makes.
        if (card is not null && OnnxLatentDecoder.FindProblem(card) is { } decoderProblem)
        {
            problems.Add(decoderProblem);
        }

        return new ModelInspectionReport
        {
            Path = path,
            OnnxPath = onnxPath,
            Card = card,
            Inputs = inputs,
            Outputs = outputs,
            Schedule = card?.Schedule.Describe(),
            Problems = problems,
        };
    }

    private static ModelCard? TryReadCard(string path, List<string> problems)
    {
        try
        {
            return ModelCardReader.Read(path);
        }
        catch (ModelCardException e)
        {
            problems.Add(e.Message);
            return null;
        }
    }
}
