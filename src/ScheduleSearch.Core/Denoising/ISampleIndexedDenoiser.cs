namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A denoiser whose prediction for a row depends on which sample of a noise set the row holds: a class-conditional
/// model gives sample i the class label f(i). Whoever runs a noise set in pieces (the teacher's batches) asks for the
/// view of each piece, so sample i gets the same label in whatever piece it is; a call on the denoiser itself treats
/// row r as sample r.
/// </summary>
public interface ISampleIndexedDenoiser : IDenoiser
{
    /// <summary>This denoiser with row r of every call standing for sample <paramref name="firstSample"/> + r.</summary>
    IDenoiser FromSample(int firstSample);
}
