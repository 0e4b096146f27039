namespace ScheduleSearch.Models.Cards;

/// <summary>
/// A model card's "guidance" block for classifier-free guidance (Ho and Salimans 2022): the class input, the number of
/// real classes and the label the model was trained to read as "no class".
/// </summary>
/// <param name="ClassInput">Name of the int64 [B] class-label input.</param>
/// <param name="NumClasses">Number of real classes (labels 0..NumClasses-1).</param>
/// <param name="NullClass">The unconditional label.</param>
public sealed record GuidanceSpec(string ClassInput, int NumClasses, int NullClass);
