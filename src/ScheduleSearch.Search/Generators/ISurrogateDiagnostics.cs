namespace ScheduleSearch.Search.Generators;

/// <summary>Implemented by generators that rank candidates with a learned surrogate.</summary>
public interface ISurrogateDiagnostics
{
    /// <summary>Kendall's tau between the surrogate's predictions and the real scores of the last evaluated batch (null before the first).</summary>
    double? LastKendallTau { get; }

    /// <summary>Every tau logged so far, with the number of real evaluations the surrogate had been trained on.</summary>
    IReadOnlyList<(int TrainedOn, double Tau)> KendallTauLog { get; }
}
