namespace ScheduleSearch.Search.Running;

/// <summary>The best score so far at one NFE beside the best baseline's.</summary>
/// <param name="Nfe">The NFE.</param>
/// <param name="Score">The best score found (baselines included); +infinity when none.</param>
/// <param name="BaselineScore">The best baseline's score; +infinity when none.</param>
public sealed record NfeBest(int Nfe, double Score, double BaselineScore);
