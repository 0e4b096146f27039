using System.Globalization;
using System.Text;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Inspection;

/// <summary>What <c>model inspect</c> shows: the graph's inputs and outputs, the card, its schedule, and the check result.</summary>
public sealed record ModelInspectionReport
{
    /// <summary>The path that was inspected.</summary>
    public required string Path { get; init; }

    /// <summary>The ONNX file, when one was found.</summary>
    public string? OnnxPath { get; init; }

    /// <summary>The card, when one was found and could be read.</summary>
    public ModelCard? Card { get; init; }

    /// <summary>The graph's inputs (empty when the graph could not be opened).</summary>
    public IReadOnlyList<TensorSignature> Inputs { get; init; } = [];

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<TensorSignature> Outputs { get; init; } = [];

    /// <summary>The card's schedule in one line, when there is a card.</summary>
    public string? Schedule { get; init; }

    /// <summary>Every problem found; empty means the check passed.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when a card was found, read, and matches the graph.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>The report as plain text lines, for the CLI to print.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"model:    {Path}");
        if (OnnxPath is not null)
        {
            Line($"onnx:     {OnnxPath}");
        }

        foreach (var input in Inputs)
        {
            Line($"input:    {input}");
        }

        foreach (var output in Outputs)
        {
            Line($"output:   {output}");
        }

        if (Card is { } card)
        {
            Line($"card:     {card.Name}: sample '{card.Inputs.Sample}' [{string.Join(", ", card.SampleShape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}], " +
                 $"time '{card.Inputs.Time}' ({CardNames.Name(card.Inputs.TimeConvention)}), output '{card.Output.Name}' ({CardNames.Name(card.Output.Parameterization)})" +
                 (card.Guidance is { } g ? string.Create(CultureInfo.InvariantCulture, $", guidance on '{g.ClassInput}' ({g.NumClasses} classes, null {g.NullClass})") : string.Empty));
        }

        if (Schedule is not null)
        {
            Line($"schedule: {Schedule}");
        }

        Line(Passed ? "check:    PASS" : "check:    FAIL");
        foreach (var problem in Problems)
        {
            Line($"  - {problem}");
        }

        return text.ToString();
    }
}
