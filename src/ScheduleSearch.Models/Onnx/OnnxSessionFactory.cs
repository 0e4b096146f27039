using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// Opens an <see cref="InferenceSession"/> on a device named "cpu", "cuda:N" or "auto" (ARCHITECTURE.md: the GPU
/// package runs on CPU where no CUDA exists; CUDA needs CUDA 13 and cuDNN 9 on the library path).
/// </summary>
public static class OnnxSessionFactory
{
    /// <summary>The sentence every CUDA failure carries.</summary>
    public const string CudaRequirement =
        "the CUDA execution provider of ONNX Runtime 1.31 needs CUDA 13 and cuDNN 9 on the library path (LD_LIBRARY_PATH on Linux, PATH on Windows) and a visible NVIDIA GPU";

    /// <summary>
    /// Opens <paramref name="onnxPath"/> on <paramref name="device"/>. For "auto", CUDA device 0 is tried first; when it
    /// cannot be used the session opens on CPU and <paramref name="notify"/> receives a sentence saying so.
    /// Returns the session and the device actually used ("cpu" or "cuda:N").
    /// </summary>
    public static (InferenceSession Session, string Device) Open(string onnxPath, string device = "cpu", Action<string>? notify = null, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        ArgumentNullException.ThrowIfNull(device);
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"ONNX file '{onnxPath}' does not exist", onnxPath);
        }

        if (device == "cpu")
        {
            return (OpenCpu(onnxPath, intraOpThreads), "cpu");
        }

        if (device == "auto")
        {
            try
            {
                return (OpenCuda(onnxPath, 0, intraOpThreads), "cuda:0");
            }
            catch (OnnxDeviceException e)
            {
                notify?.Invoke($"device auto: CUDA is not usable, falling back to CPU ({e.Message})");
                return (OpenCpu(onnxPath, intraOpThreads), "cpu");
            }
        }

        if (device.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return (OpenCuda(onnxPath, index, intraOpThreads), device);
        }

        throw new ArgumentException($"unknown device '{device}'; expected cpu, cuda:N (e.g. cuda:0) or auto", nameof(device));
    }

    private static InferenceSession OpenCpu(string onnxPath, int intraOpThreads)
    {
        using var options = CpuOptions(intraOpThreads);
        return new InferenceSession(onnxPath, options);
    }

    private static SessionOptions CpuOptions(int intraOpThreads)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        return options;
    }

    private static InferenceSession OpenCuda(string onnxPath, int index, int intraOpThreads)
    {
        using var options = CpuOptions(intraOpThreads);
        try
        {
            options.AppendExecutionProvider_CUDA(index);
            return new InferenceSession(onnxPath, options);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new OnnxDeviceException(
                string.Create(CultureInfo.InvariantCulture, $"cannot use device cuda:{index}: {CudaRequirement}. ONNX Runtime said: {e.Message.Trim()}"), e);
        }
    }
}
