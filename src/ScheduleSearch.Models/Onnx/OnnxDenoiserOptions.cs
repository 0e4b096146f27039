namespace ScheduleSearch.Models.Onnx;

/// <summary>How an <see cref="OnnxDenoiser"/> runs its model.</summary>
public sealed record OnnxDenoiserOptions
{
    /// <summary>"cpu" (default), "cuda:N", or "auto" (CUDA device 0 when usable, else CPU with a <see cref="DeviceMessage"/>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The largest batch sent to the model in one run (the CLI's --max-batch); a fixed batch axis in the graph caps it further.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>
    /// Classifier-free guidance scale w: output = uncond + w (cond - uncond), against the null class or the card's
    /// negative prompt. 1 runs the conditional model alone, 0 the unconditional.
    /// </summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>
    /// Class labels of a class-conditional model: row i of every Predict call gets ClassLabels[i mod Count].
    /// Null means row i gets label i mod num_classes (needs a guidance block in the card).
    /// </summary>
    public IReadOnlyList<int>? ClassLabels { get; init; }

    /// <summary>
    /// Prompt rows of a text-conditioned model: sample i gets row Prompts[i mod Count] of every conditioning array.
    /// Null means sample i gets row i mod P (the spec's "prompts": "cycle").
    /// </summary>
    public IReadOnlyList<int>? Prompts { get; init; }

    /// <summary>Receives sentences about the device (e.g. "fell back to CPU"); libraries never write to the console.</summary>
    public Action<string>? DeviceMessage { get; init; }

    /// <summary>ONNX Runtime intra-op threads; 0 keeps its default (all cores).</summary>
    public int IntraOpThreads { get; init; }
}
