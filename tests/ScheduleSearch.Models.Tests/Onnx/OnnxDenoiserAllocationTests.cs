using ScheduleSearch.Models.Onnx;
using ScheduleSearch.Models.Tests.Support;

namespace ScheduleSearch.Models.Tests.Onnx;

public class OnnxDenoiserAllocationTests
{
    [Fact]
    public void A_steady_predict_call_allocates_nothing_proportional_to_the_batch()
    {
        using var denoiser = OnnxDenoiser.Open(BuiltInModels.GmmToy8Card, new OnnxDenoiserOptions { MaxBatch = 256 });
        var small = Measure(denoiser, 16);
        var large = Measure(denoiser, 1024);

        // 1024 rows x 8 values would be 32 KB of float32 input alone; allow a small constant per run instead.
        Assert.True(large < 4096, $"a batch of 1024 allocated {large} bytes per call");
        Assert.True(large - small < 2048, $"allocation grew from {small} to {large} bytes with the batch");
    }

    private static long Measure(OnnxDenoiser denoiser, int batch)
    {
        var x = new double[batch * 8];
        var x0 = new double[x.Length];
        var eps = new double[x.Length];
        for (var i = 0; i < 3; i++)
        {
            denoiser.Predict(x, batch, 0.5, x0, eps);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            denoiser.Predict(x, batch, 0.5, x0, eps);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
    }
}
