namespace ScheduleSearch.Models.Tests.Support;

/// <summary>The committed models copied next to the test assembly (see the csproj).</summary>
public static class BuiltInModels
{
    /// <summary>models/gmm-toy-8/model.json.</summary>
    public static string GmmToy8Card => Path.Combine(AppContext.BaseDirectory, "models", "gmm-toy-8", "model.json");

    /// <summary>models/gmm-toy-8/params.json.</summary>
    public static string GmmToy8Params => Path.Combine(AppContext.BaseDirectory, "models", "gmm-toy-8", "params.json");
}
