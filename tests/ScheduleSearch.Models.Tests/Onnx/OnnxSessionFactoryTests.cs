using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Onnx;

public class OnnxSessionFactoryTests
{
    private static bool HasNvidiaDevice => File.Exists("/dev/nvidiactl") || File.Exists("/dev/nvidia0");

    [Fact]
    public void Cuda_without_a_gpu_or_its_libraries_fails_saying_cuda_13_and_cudnn_9_must_be_on_the_library_path()
    {
        using var dir = new TempDirectory();
        var card = GmmModelWriter.Write(TestMixtures.Random(2, 8, 1), dir.Path);
        try
        {
            using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { Device = "cuda:0" });
            Assert.True(HasNvidiaDevice, "cuda:0 opened on a machine without an NVIDIA device");
            Assert.Equal("cuda:0", denoiser.Device);
        }
        catch (OnnxDeviceException e)
        {
            Assert.Contains("cuda:0", e.Message);
            Assert.Contains("CUDA 13", e.Message);
            Assert.Contains("cuDNN 9", e.Message);
            Assert.Contains("library path", e.Message);
        }
    }

    [Fact]
    public void Auto_falls_back_to_cpu_and_says_so_through_the_callback()
    {
        using var dir = new TempDirectory();
        var card = GmmModelWriter.Write(TestMixtures.Random(2, 8, 1), dir.Path);
        var messages = new List<string>();

        using var denoiser = OnnxDenoiser.Open(card, new OnnxDenoiserOptions { Device = "auto", DeviceMessage = messages.Add });

        if (denoiser.Device == "cpu")
        {
            Assert.Contains(messages, m => m.Contains("falling back to CPU", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal("cuda:0", denoiser.Device);
        }
    }

    [Fact]
    public void An_unknown_device_name_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        var card = GmmModelWriter.Write(TestMixtures.Random(2, 8, 1), dir.Path);

        var e = Assert.Throws<ArgumentException>(() => OnnxDenoiser.Open(card, new OnnxDenoiserOptions { Device = "gpu" }));

        Assert.Contains("'gpu'", e.Message);
    }
}
