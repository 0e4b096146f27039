namespace ScheduleSearch.Storage;

/// <summary>A model known to the store: its content hash (the identity used in evaluation keys), where it was last seen, its card.</summary>
public sealed record ModelRecord
{
    /// <summary>Hex SHA-256 of the model's content (ONNX bytes and card), its id.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The card's path when last registered (informational: the same model may move).</summary>
    public required string Path { get; init; }

    /// <summary>The model card as JSON.</summary>
    public required string CardJson { get; init; }

    /// <summary>When it was last registered.</summary>
    public required DateTimeOffset Updated { get; init; }
}
