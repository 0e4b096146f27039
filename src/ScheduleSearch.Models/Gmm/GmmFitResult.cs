using ScheduleSearch.Core.Denoising;

namespace ScheduleSearch.Models.Gmm;

/// <summary>The outcome of an EM fit.</summary>
/// <param name="Mixture">The fitted mixture.</param>
/// <param name="MeanLogLikelihood">Mean log-likelihood per row at the end.</param>
/// <param name="Iterations">EM iterations run.</param>
/// <param name="Rows">Rows used.</param>
public sealed record GmmFitResult(GaussianMixture Mixture, double MeanLogLikelihood, int Iterations, int Rows);
