using System.Collections.Immutable;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Specs;

/// <summary>
/// A search spec (<c>schedule-search/search@1</c>, FORMATS.md): what to search, how it is scored, the space, the
/// strategy and the budget. Read it with <see cref="Load"/> or <see cref="Parse"/>; both refuse unknown and
/// missing fields with a message naming the file and the field, and fill the documented defaults.
/// </summary>
public sealed record SearchSpec
{
    /// <summary>The format tag every spec starts with.</summary>
    public const string Format = "schedule-search/search@1";

    /// <summary>The search's name (its id in the database).</summary>
    public required string Name { get; init; }

    /// <summary>The model card's path, absolute (resolved against the spec's folder).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Target NFEs, ascending, distinct.</summary>
    public required ImmutableArray<int> Nfe { get; init; }

    /// <summary>How candidates are scored.</summary>
    public MetricSpec Metric { get; init; } = new();

    /// <summary>The feature network fd and kid compare in (metric.features), or null for the samples themselves.</summary>
    public FeatureFiles? Features { get; init; }

    /// <summary>Classifier-free guidance of a class-conditional model (the guidance block; default w = 1, classes cycling).</summary>
    public SampleGuidance Guidance { get; init; } = SampleGuidance.None;

    /// <summary>The per-step decisions searched.</summary>
    public SearchSpace Space { get; init; } = SearchSpace.Default;

    /// <summary>The generator and its knobs.</summary>
    public StrategySpec Strategy { get; init; } = new();

    /// <summary>When to stop.</summary>
    public BudgetSpec Budget { get; init; } = new();

    /// <summary>What "best" means: the score alone (default) or the score under a time budget per sample.</summary>
    public ObjectiveSpec Objective { get; init; } = ObjectiveSpec.Score;

    /// <summary>Racing of challengers on more noise and the validation of the winners (the "racing" field), or null: off.</summary>
    public RacingSpec? Racing { get; init; }

    /// <summary>Preset names scored first as baselines (default: every preset).</summary>
    public ImmutableArray<string> Baselines { get; init; } = [.. Core.Presets.PresetCatalog.Names];

    /// <summary>Spacings each baseline preset is tried with (default: every named spacing).</summary>
    public ImmutableArray<string> BaselineSpacings { get; init; } = [.. Core.Spacings.Spacing.Named.Select(s => s.Name)];

    /// <summary>The spec's JSON text as read (stored with the search; a resumed search must have the same).</summary>
    public string SourceJson { get; init; } = "{}";

    /// <summary>Reads and validates the spec file at <paramref name="path"/>.</summary>
    public static SearchSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new SearchSpecException($"{path}: cannot read the spec ({e.Message})", e);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>
    /// Parses and validates spec JSON; <paramref name="source"/> names it in messages and
    /// <paramref name="baseDirectory"/> resolves a relative model path.
    /// </summary>
    public static SearchSpec Parse(string json, string source = "search spec", string? baseDirectory = null) =>
        SearchSpecReader.Read(json, source, baseDirectory ?? Directory.GetCurrentDirectory());
}
