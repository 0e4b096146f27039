namespace ScheduleSearch.Models.Cards;

/// <summary>A model card that cannot be read, or that does not match its ONNX file; the message names the field or input.</summary>
public sealed class ModelCardException : Exception
{
    /// <summary>Creates the exception with a message naming the bad field.</summary>
    public ModelCardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelCardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (required by the exception pattern).</summary>
    public ModelCardException()
    {
    }
}
