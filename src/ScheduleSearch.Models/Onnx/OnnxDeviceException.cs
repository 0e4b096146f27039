namespace ScheduleSearch.Models.Onnx;

/// <summary>The requested execution device cannot be used (e.g. CUDA libraries are missing); the message says what is needed.</summary>
public sealed class OnnxDeviceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxDeviceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public OnnxDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (required by the exception pattern).</summary>
    public OnnxDeviceException()
    {
    }
}
