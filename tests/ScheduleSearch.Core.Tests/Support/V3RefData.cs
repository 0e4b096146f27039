using System.Text.Json;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Core.Tests.Support;

/// <summary>The DPM-Solver-v3 reference vectors (shared/refdata/dpm_solver_v3, the authors' EMS script and sampler).</summary>
internal static class V3RefData
{
    public static string Root => Path.Combine(RefData.Root, "dpm_solver_v3");

    public static EmsStatistics Statistics(string folder = "statistics")
    {
        var lambda = Npy.Read(Path.Combine(Root, folder, "lambda.npy"));
        var l = Npy.Read(Path.Combine(Root, folder, "l.npy"));
        var s = Npy.Read(Path.Combine(Root, folder, "s.npy"));
        var b = Npy.Read(Path.Combine(Root, folder, "b.npy"));
        return new EmsStatistics(lambda.Data, l.Data, s.Data, b.Data, l.Data.Length / lambda.Data.Length);
    }

    public static NpyArray Array(string folder, string file) => Npy.Read(Path.Combine(Root, folder, file));

    public static JsonElement Json(string folder, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, folder, file)));
        return doc.RootElement.Clone();
    }

    /// <summary>The case's sample() flags as preset options.</summary>
    public static DpmSolverV3Options Options(JsonElement caseJson) => new()
    {
        Order = caseJson.GetProperty("order").GetInt32(),
        PPseudo = caseJson.GetProperty("p_pseudo").GetBoolean(),
        UseCorrector = caseJson.GetProperty("use_corrector").GetBoolean(),
        CPseudo = caseJson.GetProperty("c_pseudo").GetBoolean(),
        LowerOrderFinal = caseJson.GetProperty("lower_order_final").GetBoolean(),
        Degenerated = caseJson.GetProperty("degenerated").GetBoolean(),
        Half = caseJson.GetProperty("half").GetBoolean(),
    };

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
