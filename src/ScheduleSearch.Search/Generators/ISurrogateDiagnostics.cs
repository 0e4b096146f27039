namespace ScheduleSearch.Search.Generators;

/// <summary>Implemented by generators that rank candidates with a learned surrogate.</summary>
public interface ISurrogateDiagnostics
{
    /// <summary>Kendall's tau between the surrogate's predictions and the real scores of the last evaluated batch (null before the first).</summary>
    double? LastKendallTau { get; }

    /// <summary>Tau on each batch of real evaluations of the surrogate's picks, with the number of real evaluations (baselines included) it was trained on.</summary>
    IReadOnlyList<(int TrainedOn, double Tau)> KendallTauLog { get; }

    /// <summary>Tau on each probe: children drawn at random from the round's proposals (not picked by the surrogate), evaluated for real.</summary>
    IReadOnlyList<(int TrainedOn, double Tau)> ProbeTauLog { get; }

    /// <summary>Cross-validated tau on the generator's own evaluations before each round (out-of-fold predictions).</summary>
    IReadOnlyList<(int TrainedOn, double Tau)> CrossValidatedTauLog { get; }
}
