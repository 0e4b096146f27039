using Google.Protobuf;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Gmm;

/// <summary>
/// Writes an analytic GMM model folder: model.onnx (<see cref="GmmOnnxBuilder"/>), model.json (time convention
/// ve-sigma, parameterization ve-denoiser) and params.json. This is what <c>model gmm --params P.json --out DIR
/// [--schedule ...]</c> calls.
/// </summary>
public static class GmmModelWriter
{
    /// <summary>File name of the graph.</summary>
    public const string OnnxFile = "model.onnx";

    /// <summary>File name of the card.</summary>
    public const string CardFile = "model.json";

    /// <summary>File name of the parameters.</summary>
    public const string ParamsFile = "params.json";

    /// <summary>File name of the data statistics (the mixture's exact mean and covariance).</summary>
    public const string StatisticsFileName = "stats.npz";

    /// <summary>Up to this dimension the statistics keep the full covariance; above it, the diagonal (keeps files small).</summary>
    public const int FullCovarianceMaxDimension = 128;

    /// <summary>The card of a GMM model under <paramref name="schedule"/>.</summary>
    public static ModelCard Card(GaussianMixture mixture, NoiseScheduleSpec schedule, string name)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        return new ModelCard
        {
            Name = name,
            Onnx = OnnxFile,
            Schedule = schedule,
            Inputs = new ModelInputs(GmmOnnxBuilder.SampleInput, GmmOnnxBuilder.SigmaInput, TimeConvention.VeSigma),
            Output = new ModelOutput(GmmOnnxBuilder.Output, Parameterization.VeDenoiser),
            SampleShape = [mixture.Dimension],
            Statistics = StatisticsFileName,
        };
    }

    /// <summary>
    /// Writes the model folder <paramref name="directory"/> (created if needed) under the schedule kind
    /// <paramref name="scheduleKind"/> with its default parameters (FORMATS.md: vp-discrete = linear betas 1e-4..0.02,
    /// 1000 steps; edm = sigma in [0.002, 80]). Returns the card as read back from disk.
    /// </summary>
    public static ModelCard Write(GaussianMixture mixture, string directory, string scheduleKind = "vp-discrete", string? name = null) =>
        Write(mixture, directory, NoiseScheduleSpec.Default(scheduleKind), name);

    /// <summary>Writes the model folder with an explicit schedule block.</summary>
    public static ModelCard Write(GaussianMixture mixture, string directory, NoiseScheduleSpec schedule, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(schedule);
        Directory.CreateDirectory(directory);
        name ??= Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
        File.WriteAllBytes(Path.Combine(directory, OnnxFile), GmmOnnxBuilder.Build(mixture, name).ToByteArray());
        GmmParametersJson.Write(mixture, Path.Combine(directory, ParamsFile));
        StatisticsFile.Write(Path.Combine(directory, StatisticsFileName), DataStatistics.Of(mixture), mixture.Dimension <= FullCovarianceMaxDimension);
        var cardPath = Path.Combine(directory, CardFile);
        ModelCardWriter.Write(Card(mixture, schedule, name), cardPath);
        return ModelCardReader.Read(cardPath);
    }
}
