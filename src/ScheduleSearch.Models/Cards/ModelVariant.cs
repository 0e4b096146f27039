namespace ScheduleSearch.Models.Cards;

/// <summary>Another network of a card (same schedule, conventions and shape), named so that a schedule step can choose it.</summary>
/// <param name="Name">The name steps use in their "model" field.</param>
/// <param name="Onnx">Its ONNX file, relative to the card's folder or absolute.</param>
public sealed record ModelVariant(string Name, string Onnx);
