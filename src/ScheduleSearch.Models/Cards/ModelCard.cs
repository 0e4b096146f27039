namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A model card (<c>schedule-search/model@1</c>, FORMATS.md): the conventions of one ONNX diffusion model, stated once
/// and checked against the graph when it is loaded (<see cref="ModelCardValidator"/>).
/// </summary>
public sealed record ModelCard
{
    /// <summary>The model's name.</summary>
    public required string Name { get; init; }

    /// <summary>The ONNX file as written in the card (relative to the card's folder, or absolute).</summary>
    public required string Onnx { get; init; }

    /// <summary>The forward process the model was trained with.</summary>
    public required NoiseScheduleSpec Schedule { get; init; }

    /// <summary>Which ONNX inputs carry sample, time and class.</summary>
    public required ModelInputs Inputs { get; init; }

    /// <summary>The ONNX output and its parameterisation.</summary>
    public required ModelOutput Output { get; init; }

    /// <summary>The shape of one sample, without the batch axis.</summary>
    public required IReadOnlyList<int> SampleShape { get; init; }

    /// <summary>Classifier-free guidance settings, or null for an unconditional model.</summary>
    public GuidanceSpec? Guidance { get; init; }

    /// <summary>
    /// guidance.negative: the negative (or empty) prompt's arrays for classifier-free guidance of a text-conditioned
    /// model, input name -> .npy of [1 or P, ...]; inputs it omits keep the positive row. Null without one.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Negative { get; init; }

    /// <summary>The VAE decoder of a latent model, or null.</summary>
    public DecoderSpec? Decoder { get; init; }

    /// <summary>True when the model takes conditioning arrays (a text-conditioned model).</summary>
    public bool IsTextConditioned => Inputs.Conditioning.Count > 0;

    /// <summary>Every file the card names besides itself (networks, arrays, decoder, statistics), as full paths in a stable order.</summary>
    public IReadOnlyList<string> NamedFiles =>
        [
            OnnxPath,
            .. Variants.Select(v => Resolve(v.Onnx)),
            .. Inputs.Conditioning.Values.Select(Resolve),
            .. (Negative ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Resolve(kv.Value)),
            .. Decoder is { } d ? [Resolve(d.Onnx)] : Array.Empty<string>(),
            .. StatisticsPath is { } s ? [s] : Array.Empty<string>(),
        ];

    /// <summary>Optional statistics file (data mean/covariance), relative to the card.</summary>
    public string? Statistics { get; init; }

    /// <summary>
    /// Optional DPM-Solver-v3 empirical model statistics (.npz with lambda [K+1], l, s, b [K+1, ...sample_shape]),
    /// relative to the card; written by <c>schedule-search model stats CARD --ems</c>.
    /// </summary>
    public string? Ems { get; init; }

    /// <summary>The empirical model statistics file's full path, or null when the card has none.</summary>
    public string? EmsPath => Ems is null ? null : Resolve(Ems);

    /// <summary>The folder the card was read from (null for a card built in memory); relative paths resolve against it.</summary>
    public string? Directory { get; init; }

    /// <summary>Number of values in one sample.</summary>
    public int SampleSize => SampleShape.Aggregate(1, (a, b) => a * b);

    /// <summary>The class input name, from inputs.class or guidance.class_input.</summary>
    public string? ClassInput => Inputs.Class ?? Guidance?.ClassInput;

    /// <summary>Other networks of the same schedule, conventions and shape that a step may name (T-Stitch).</summary>
    public IReadOnlyList<ModelVariant> Variants { get; init; } = [];

    /// <summary>The statistics file's full path, or null when the card has none.</summary>
    public string? StatisticsPath => Statistics is null ? null : Resolve(Statistics);

    /// <summary>A path written in the card, resolved against the card's folder.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) || Directory is null ? path : Path.GetFullPath(Path.Combine(Directory, path));

    /// <summary>The ONNX file's full path.</summary>
    public string OnnxPath => Path.IsPathRooted(Onnx) || Directory is null ? Onnx : Path.GetFullPath(Path.Combine(Directory, Onnx));
}
