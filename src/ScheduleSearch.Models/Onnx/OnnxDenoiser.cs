using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// An <see cref="IDenoiser"/> over an ONNX model described by a model card: feeds the network in the card's time
/// convention, splits a request into runs of at most <see cref="MaxBatch"/> rows, applies classifier-free guidance and
/// hands the raw output to <see cref="ParameterizedDenoiser"/> for the one parameterisation conversion.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="IDenoiser.Predict"/> may be called from several threads at once. All calls share one
/// <see cref="InferenceSession"/> (whose Run is thread-safe); each concurrent call rents its own pinned buffers from a
/// pool, so at most one set per concurrent caller is ever allocated and a call allocates nothing proportional to its
/// batch. <see cref="Dispose"/> must not race with running calls.
/// Class labels follow the sample, not the call: row r of a call is sample r (sample firstSample + r in the view of
/// <see cref="FromSample"/>), and sample i gets label i mod the label count, however a noise set is cut into calls.
/// </remarks>
public sealed class OnnxDenoiser : ParameterizedDenoiser, IDisposable, ISampleIndexedDenoiser
{
    private readonly InferenceSession session;
    private readonly ConcurrentBag<OnnxRunBuffers> pool = [];
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly TensorElementType sampleType;
    private readonly TensorElementType timeType;
    private readonly TensorElementType outputType;
    private readonly TensorElementType labelType;
    private readonly bool timeIsScalar;
    private readonly int? fixedBatch;
    private readonly long[] sampleShape;
    private readonly GuidanceMode guidance;
    private readonly double guidanceScale;
    private readonly int[] labels;
    private readonly int nullClass;
    private readonly TimeConvention convention;
    private readonly double timeScale;
    private readonly double sigmaData;

    private OnnxDenoiser(ModelCard card, NoiseSchedule schedule, InferenceSession session, string device, OnnxDenoiserOptions options)
        : base(schedule, card.SampleSize, card.Output.Parameterization)
    {
        Card = card;
        Device = device;
        this.session = session;
        Inputs = TensorSignature.FromAll(session.InputMetadata);
        Outputs = TensorSignature.FromAll(session.OutputMetadata);
        var sample = Inputs.First(i => i.Name == card.Inputs.Sample);
        var time = Inputs.First(i => i.Name == card.Inputs.Time);
        sampleType = sample.ElementType;
        timeType = time.ElementType;
        timeIsScalar = time.Rank == 0;
        outputType = Outputs.First(o => o.Name == card.Output.Name).ElementType;
        fixedBatch = ModelCardValidator.FixedBatch(sample);
        sampleShape = card.SampleShape.Select(d => (long)d).ToArray();
        convention = card.Inputs.TimeConvention;
        timeScale = card.Inputs.TimeScale;
        sigmaData = card.Schedule.SigmaData;

        var classInput = card.ClassInput;
        guidance = classInput is null ? GuidanceMode.None
            : options.GuidanceScale == 1.0 ? GuidanceMode.Conditional
            : options.GuidanceScale == 0.0 ? GuidanceMode.Unconditional
            : GuidanceMode.Guided;
        if (guidance is GuidanceMode.Unconditional or GuidanceMode.Guided && card.Guidance is null)
        {
            throw new ArgumentException($"guidance scale {options.GuidanceScale} needs a 'guidance' block in model card '{card.Name}' (it names no null class)", nameof(options));
        }

        guidanceScale = options.GuidanceScale;
        nullClass = card.Guidance?.NullClass ?? -1;
        labels = options.ClassLabels?.ToArray()
            ?? (card.Guidance is { } g ? Enumerable.Range(0, g.NumClasses).ToArray() : []);
        if (classInput is not null && labels.Length == 0)
        {
            throw new ArgumentException($"model card '{card.Name}' is class-conditional (input '{classInput}') without a guidance block: give OnnxDenoiserOptions.ClassLabels", nameof(options));
        }

        labelType = classInput is null ? TensorElementType.Int64 : Inputs.First(i => i.Name == classInput).ElementType;
        inputNames = classInput is null ? [card.Inputs.Sample, card.Inputs.Time] : [card.Inputs.Sample, card.Inputs.Time, classInput];
        outputNames = [card.Output.Name];

        var rowsPerSample = guidance == GuidanceMode.Guided ? 2 : 1;
        var limit = Math.Max(1, options.MaxBatch);
        if (fixedBatch is { } fixedRows)
        {
            if (fixedRows < rowsPerSample)
            {
                throw new ArgumentException($"the graph fixes the batch at {fixedRows}, too small for guidance's doubled batch", nameof(options));
            }

            limit = Math.Min(limit, fixedRows / rowsPerSample);
        }

        MaxBatch = limit;
        RowsPerRun = fixedBatch ?? (limit * rowsPerSample);
    }

    private enum GuidanceMode
    {
        None,
        Conditional,
        Unconditional,
        Guided,
    }

    /// <summary>The card the model was opened with.</summary>
    public ModelCard Card { get; }

    /// <summary>The device actually used: "cpu" or "cuda:N".</summary>
    public string Device { get; }

    /// <summary>The graph's inputs.</summary>
    public IReadOnlyList<TensorSignature> Inputs { get; }

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<TensorSignature> Outputs { get; }

    /// <summary>Samples per model run (guidance doubles the rows of a run, not this number).</summary>
    public int MaxBatch { get; }

    /// <summary>Rows of one model run's tensors.</summary>
    public int RowsPerRun { get; }

    /// <summary>The shared session (for benchmarks and inspection; do not dispose it).</summary>
    public InferenceSession Session => session;

    /// <summary>Opens the model card at <paramref name="cardPath"/> and its ONNX file.</summary>
    public static OnnxDenoiser Open(string cardPath, OnnxDenoiserOptions? options = null) => Open(ModelCardReader.Read(cardPath), options);

    /// <summary>
    /// Opens <paramref name="card"/>'s ONNX file on the requested device and checks the card against the graph;
    /// a mismatch throws a <see cref="ModelCardException"/> naming it, an unusable CUDA device an <see cref="OnnxDeviceException"/>.
    /// </summary>
    public static OnnxDenoiser Open(ModelCard card, OnnxDenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        options ??= new OnnxDenoiserOptions();
        if (options.MaxBatch < 1)
        {
            throw new ArgumentException($"MaxBatch must be at least 1, not {options.MaxBatch}", nameof(options));
        }

        var schedule = card.Schedule.Create();
        var (session, device) = OnnxSessionFactory.Open(card.OnnxPath, options.Device, options.DeviceMessage, options.IntraOpThreads);
        try
        {
            ModelCardValidator.Validate(card, TensorSignature.FromAll(session.InputMetadata), TensorSignature.FromAll(session.OutputMetadata));
            return new OnnxDenoiser(card, schedule, session, device, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the card's variant <paramref name="name"/>: its own ONNX file under the card's conventions, checked against
    /// its graph like the primary model.
    /// </summary>
    public static OnnxDenoiser OpenVariant(ModelCard card, string name, OnnxDenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        var variant = card.Variants.FirstOrDefault(v => v.Name == name)
            ?? throw new ModelCardException($"model card '{card.Name}' has no variant '{name}' (variants: {string.Join(", ", card.Variants.Select(v => v.Name))})");
        return Open(card with { Onnx = variant.Onnx, Variants = [] }, options);
    }

    /// <inheritdoc />
    /// <remarks>The view shares this model's session; its calls are counted by the view, not by this denoiser.</remarks>
    public IDenoiser FromSample(int firstSample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstSample);
        return firstSample == 0 || guidance == GuidanceMode.None ? this : new SampleView(this, firstSample);
    }

    /// <summary>Releases the session and every buffer.</summary>
    public void Dispose()
    {
        while (pool.TryTake(out var buffers))
        {
            buffers.Dispose();
        }

        runOptions.Dispose();
        session.Dispose();
    }

    /// <inheritdoc />
    protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
        EvaluateFrom(x, batch, t, output, 0);

    /// <summary>
    /// One run for rows at different times needs a time input with a batch axis and no per-sample labels (a
    /// class-conditional or guided network gives row r the label of sample r, which a batch of several candidates'
    /// rows would not keep).
    /// </summary>
    protected override bool EvaluatesRowTimes => !timeIsScalar && guidance == GuidanceMode.None;

    /// <inheritdoc />
    protected override void EvaluateRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> output)
    {
        var rows = new Coefficients[t.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = r > 0 && t[r] == t[r - 1] ? rows[r - 1] : CoefficientsAt(t[r]);
        }

        Run(x, t.Length, rows, output, 0);
    }

    private static void Identity(ReadOnlySpan<double> x, double alpha, Span<double> output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = x[i] / alpha;
        }
    }

    private static void Combine(ReadOnlySpan<double> x, double skip, double outScale, Span<double> output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = (skip * x[i]) + (outScale * output[i]);
        }
    }

    /// <summary>The network's input scale and time value at <paramref name="t"/>, and EDM's output combination.</summary>
    private Coefficients CoefficientsAt(double t)
    {
        var alpha = Schedule.Alpha(t);
        var sigma = Schedule.Sigma(t);
        var veSigma = sigma / alpha;
        switch (convention)
        {
            case TimeConvention.DiscreteIndex:
                return new Coefficients(alpha, 1.0, Schedule.ModelTime(t), 0.0, 1.0, false);
            case TimeConvention.ContinuousT:
                return new Coefficients(alpha, 1.0, t * timeScale, 0.0, 1.0, false);
            case TimeConvention.VeSigma:
                return new Coefficients(alpha, 1.0 / alpha, veSigma, 0.0, 1.0, false);
            case TimeConvention.EdmCNoise:
                {
                    if (veSigma == 0.0)
                    {
                        // D(xbar, 0) = xbar: c_skip = 1, c_out = 0, and ln(0) has no network input.
                        return new Coefficients(alpha, 1.0, 0.0, 1.0, 0.0, true);
                    }

                    // Karras et al. 2022, Table 1: c_in, c_noise, c_skip, c_out; D = c_skip xbar + c_out F(c_in xbar, c_noise).
                    var total = (veSigma * veSigma) + (sigmaData * sigmaData);
                    return new Coefficients(alpha, 1.0 / (alpha * Math.Sqrt(total)), Math.Log(veSigma) / 4.0, sigmaData * sigmaData / total / alpha, veSigma * sigmaData / Math.Sqrt(total), false);
                }

            default:
                throw new InvalidOperationException($"unknown time convention {convention}");
        }
    }

    private void EvaluateFrom(ReadOnlySpan<double> x, int batch, double t, Span<double> output, int firstSample)
    {
        var c = CoefficientsAt(t);
        if (c.Identity)
        {
            Identity(x[..(batch * SampleSize)], c.Alpha, output[..(batch * SampleSize)]);
            return;
        }

        Run(x, batch, [c], output, firstSample);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> rows in runs of at most <see cref="MaxBatch"/>: with one coefficient set for all
    /// rows, or one per row (rows at their own times).
    /// </summary>
    private void Run(ReadOnlySpan<double> x, int batch, ReadOnlySpan<Coefficients> coefficients, Span<double> output, int firstSample)
    {
        var buffers = Rent();
        try
        {
            for (var start = 0; start < batch; start += MaxBatch)
            {
                var n = Math.Min(MaxBatch, batch - start);
                var rows = coefficients.Length == 1 ? coefficients : coefficients.Slice(start, n);
                var xs = x.Slice(start * SampleSize, n * SampleSize);
                RunChunk(buffers, xs, firstSample + start, n, rows);
                ReadChunk(buffers, xs, n, rows, output.Slice(start * SampleSize, n * SampleSize));
            }
        }
        finally
        {
            pool.Add(buffers);
        }
    }

    private void RunChunk(OnnxRunBuffers buffers, ReadOnlySpan<double> x, int start, int n, ReadOnlySpan<Coefficients> coefficients)
    {
        var guided = guidance == GuidanceMode.Guided;
        var rows = fixedBatch ?? (guided ? 2 * n : n);
        if (coefficients.Length == 1)
        {
            buffers.Sample.Write(0, x, coefficients[0].InputScale);
            if (guided)
            {
                buffers.Sample.Write(n * SampleSize, x, coefficients[0].InputScale);
            }

            buffers.Time.Fill(0, timeIsScalar ? 1 : rows, coefficients[0].TimeValue);
        }
        else
        {
            // Rows at their own times (unguided, time with a batch axis); padding rows repeat the last time.
            for (var r = 0; r < n; r++)
            {
                buffers.Sample.Write(r * SampleSize, x.Slice(r * SampleSize, SampleSize), coefficients[r].InputScale);
                buffers.Time.Fill(r, 1, coefficients[r].TimeValue);
            }

            buffers.Time.Fill(n, rows - n, coefficients[n - 1].TimeValue);
        }

        if (buffers.Label is { } label)
        {
            for (var i = 0; i < n; i++)
            {
                var cond = guidance == GuidanceMode.Unconditional ? nullClass : labels[(start + i) % labels.Length];
                label.SetLabel(i, cond);
                if (guided)
                {
                    label.SetLabel(n + i, nullClass);
                }
            }

            for (var i = guided ? 2 * n : n; i < rows; i++)
            {
                label.SetLabel(i, guidance == GuidanceMode.Conditional ? labels[0] : nullClass);
            }
        }

        buffers.Shape(rows);
        session.Run(runOptions, inputNames, buffers.Inputs, outputNames, buffers.Outputs);
    }

    private void ReadChunk(OnnxRunBuffers buffers, ReadOnlySpan<double> x, int n, ReadOnlySpan<Coefficients> coefficients, Span<double> output)
    {
        var count = n * SampleSize;
        buffers.Output.ReadInto(0, output[..count]);
        if (guidance == GuidanceMode.Guided)
        {
            // Ho and Salimans 2022, eq. 6 on the raw output: uncond + w (cond - uncond).
            for (var i = 0; i < count; i++)
            {
                var unconditional = buffers.Output.Read(count + i);
                output[i] = unconditional + (guidanceScale * (output[i] - unconditional));
            }
        }

        if (coefficients.Length == 1)
        {
            if (convention == TimeConvention.EdmCNoise)
            {
                Combine(x[..count], coefficients[0].Skip, coefficients[0].OutScale, output[..count]);
            }

            return;
        }

        for (var r = 0; r < n; r++)
        {
            var c = coefficients[r];
            var row = (r * SampleSize)..((r + 1) * SampleSize);
            if (c.Identity)
            {
                // EDM at sigma 0: D(xbar, 0) = xbar (the network's output for this row is not read).
                Identity(x[row], c.Alpha, output[row]);
            }
            else if (convention == TimeConvention.EdmCNoise)
            {
                Combine(x[row], c.Skip, c.OutScale, output[row]);
            }
        }
    }

    /// <summary>The model seen from sample <c>first</c> on: its labels start at that sample's.</summary>
    private sealed class SampleView(OnnxDenoiser owner, int first)
        : ParameterizedDenoiser(owner.Schedule, owner.SampleSize, owner.Parameterization)
    {
        protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output) =>
            owner.EvaluateFrom(x, batch, t, output, first);
    }

    private OnnxRunBuffers Rent()
    {
        if (pool.TryTake(out var buffers))
        {
            return buffers;
        }

        var rows = RowsPerRun;
        return new OnnxRunBuffers(
            new TensorBuffer(sampleType, rows * SampleSize),
            new TensorBuffer(timeType, rows),
            guidance == GuidanceMode.None ? null : new TensorBuffer(labelType, rows),
            new TensorBuffer(outputType, rows * SampleSize),
            sampleShape,
            timeIsScalar);
    }

    /// <summary>How one time enters the network and leaves it (Identity: EDM at sigma 0, output x / alpha).</summary>
    private readonly record struct Coefficients(double Alpha, double InputScale, double TimeValue, double Skip, double OutScale, bool Identity);
}
