using System.Text.Json;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>Loads the reference vectors copied from shared/refdata (authors' code, float64).</summary>
internal static class RefData
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "RefData");

    public static GaussianMixture Mixture()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "params.json")));
        var r = doc.RootElement;
        return new GaussianMixture(
            r.GetProperty("weights").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            r.GetProperty("means").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray(),
            r.GetProperty("variances").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray());
    }

    public static NpyArray Array(string caseName, string file) => Npy.Read(Path.Combine(Root, caseName, file));

    public static double[] Grid(string caseName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, caseName, "timesteps.json")));
        var r = doc.RootElement;
        var key = r.TryGetProperty("timesteps", out _) ? "timesteps" : "outer_timesteps";
        return r.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    public static double[] ModelEvalTimes(string caseName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, caseName, "timesteps.json")));
        return doc.RootElement.GetProperty("model_eval_times").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
