namespace ScheduleSearch.Search.Surrogates;

/// <summary>The surrogates <see cref="Generators.PredictorGuidedOptions.Surrogate"/> can name.</summary>
internal static class SurrogateCatalog
{
    public static ISurrogate Create(string kind) => kind switch
    {
        "fasttree" => new FastTreeSurrogate(),
        "ridge" => new RidgeSurrogate(),
        "mlp" => new PairwiseMlpSurrogate(),
        _ => throw new ArgumentException($"unknown surrogate '{kind}'; expected fasttree, ridge or mlp", nameof(kind)),
    };
}
