using System.Text.Json;

namespace ScheduleSearch.Core.Presets;

/// <summary>
/// The options of the <c>dpm-solver-v3</c> preset, named as the flags of the authors' <c>DPM_Solver_v3.sample()</c>
/// (and <c>degenerated</c> of its constructor). Defaults: the README example call of thu-ml/DPM-Solver-v3.
/// </summary>
public sealed record DpmSolverV3Options
{
    /// <summary>The fields a JSON object may hold.</summary>
    public static readonly IReadOnlyList<string> FieldNames = ["order", "p_pseudo", "use_corrector", "c_pseudo", "lower_order_final", "degenerated", "half"];

    /// <summary>The defaults.</summary>
    public static readonly DpmSolverV3Options Default = new();

    /// <summary>Predictor order after the warm-up (1..4 here; the history holds 4 points).</summary>
    public int Order { get; init; } = 3;

    /// <summary>Pseudo-order predictor: derivatives by divided differences.</summary>
    public bool PPseudo { get; init; }

    /// <summary>Correct every step but the last with the next step's evaluation.</summary>
    public bool UseCorrector { get; init; } = true;

    /// <summary>Pseudo-order corrector: one order above the step's predictor.</summary>
    public bool CPseudo { get; init; } = true;

    /// <summary>Predictor order capped at M + 1 - k on step k of M (for every M, unlike DPM-Solver).</summary>
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary>l = 1, s = b = 0 instead of the model's statistics.</summary>
    public bool Degenerated { get; init; }

    /// <summary>Correct only while t &gt; 0.5 (the authors' <c>half</c>, used for some guided models).</summary>
    public bool Half { get; init; }

    /// <summary>Parses a JSON object of these flags; errors name the field and what was expected.</summary>
    public static DpmSolverV3Options Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"dpm-solver-v3 options: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("dpm-solver-v3 options: expected a JSON object such as {\"order\": 3, \"p_pseudo\": false}");
            }

            var options = Default;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                options = property.Name switch
                {
                    "order" => options with { Order = Order1To4(value) },
                    "p_pseudo" => options with { PPseudo = Bool(property) },
                    "use_corrector" => options with { UseCorrector = Bool(property) },
                    "c_pseudo" => options with { CPseudo = Bool(property) },
                    "lower_order_final" => options with { LowerOrderFinal = Bool(property) },
                    "degenerated" => options with { Degenerated = Bool(property) },
                    "half" => options with { Half = Bool(property) },
                    _ => throw new ArgumentException($"dpm-solver-v3 options: unknown field \"{property.Name}\"; expected {string.Join(", ", FieldNames)}"),
                };
            }

            return options;
        }

        static int Order1To4(JsonElement value) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var order) && order is >= 1 and <= 4
                ? order
                : throw new ArgumentException($"dpm-solver-v3 options: order {value.GetRawText()} must be an integer 1..4");

        static bool Bool(JsonProperty property) => property.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"dpm-solver-v3 options: {property.Name} {property.Value.GetRawText()} must be true or false"),
        };
    }
}
