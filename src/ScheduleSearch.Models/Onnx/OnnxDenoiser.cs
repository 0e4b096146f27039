using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Models.Arrays;
using ScheduleSearch.Models.Cards;

namespace ScheduleSearch.Models.Onnx;

/// <summary>
/// An ONNX model described by a model card, as the first link of the adapter chain (DPM-Solver's <c>model_wrapper</c>):
/// this class owns the session, the buffer pool and the chunking into runs, and feeds the network in the card's time
/// convention (<see cref="NetworkTime"/>) as an <see cref="IConditionedNetwork"/>; <see cref="ClassifierFreeGuidance"/>
/// or <see cref="ConditionedDenoiser"/> decide which rows get which condition, and <see cref="ParameterizedDenoiser"/>
/// converts the raw output once. Its <see cref="IDenoiser"/> face is that chain's end.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="IDenoiser.Predict"/> may be called from several threads at once. All calls share one
/// <see cref="InferenceSession"/> (whose Run is thread-safe); each concurrent call rents its own pinned buffers from a
/// pool, so at most one set per concurrent caller is ever allocated and a call allocates nothing proportional to its
/// batch. <see cref="Dispose"/> must not race with running calls.
/// Class labels follow the sample, not the call: row r of a call is sample r (sample firstSample + r in the view of
/// <see cref="FromSample"/>), and sample i gets label i mod the label count, however a noise set is cut into calls.
/// </remarks>
public sealed class OnnxDenoiser : IConditionedNetwork, IRowTimeDenoiser, ISampleIndexedDenoiser, IDisposable
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
    private readonly string? classInput;
    private readonly bool timeIsScalar;
    private readonly int? fixedBatch;
    private readonly long[] sampleShape;
    private readonly int nullClass;
    private readonly NetworkTime time;
    private readonly ConditioningArray[] conditioning;
    private readonly ParameterizedDenoiser denoiser;

    private OnnxDenoiser(ModelCard card, NoiseSchedule schedule, InferenceSession session, string device, OnnxDenoiserOptions options)
    {
        Card = card;
        Device = device;
        Schedule = schedule;
        SampleSize = card.SampleSize;
        Parameterization = card.Output.Parameterization;
        this.session = session;
        Inputs = TensorSignature.FromAll(session.InputMetadata);
        Outputs = TensorSignature.FromAll(session.OutputMetadata);
        var sample = Inputs.First(i => i.Name == card.Inputs.Sample);
        var timeInput = Inputs.First(i => i.Name == card.Inputs.Time);
        sampleType = sample.ElementType;
        timeType = timeInput.ElementType;
        timeIsScalar = timeInput.Rank == 0;
        outputType = Outputs.First(o => o.Name == card.Output.Name).ElementType;
        fixedBatch = ModelCardValidator.FixedBatch(sample);
        sampleShape = card.SampleShape.Select(d => (long)d).ToArray();
        time = new NetworkTime(schedule, card.Inputs.TimeConvention, card.Inputs.TimeScale, card.Schedule.SigmaData);

        classInput = card.ClassInput;
        conditioning = LoadConditioning(card, Inputs);
        var scale = options.GuidanceScale;
        var guided = (classInput is not null || conditioning.Length > 0) && scale != 1.0;
        if (guided && classInput is not null && card.Guidance is null)
        {
            throw new ArgumentException($"guidance scale {scale} needs a 'guidance' block in model card '{card.Name}' (it names no null class)", nameof(options));
        }

        if (guided && conditioning.Length > 0 && card.Negative is null)
        {
            throw new ArgumentException($"guidance scale {scale} needs 'guidance.negative' in model card '{card.Name}' (the negative or empty prompt's arrays)", nameof(options));
        }

        nullClass = card.Guidance?.NullClass ?? -1;
        var labels = conditioning.Length > 0 ? Prompts(card, options) : Labels(card, options, classInput);
        labelType = classInput is null ? TensorElementType.Int64 : Inputs.First(i => i.Name == classInput).ElementType;
        inputNames = [card.Inputs.Sample, card.Inputs.Time, .. classInput is null ? Array.Empty<string>() : [classInput], .. conditioning.Select(c => c.Input)];
        outputNames = [card.Output.Name];

        // MaxBatch counts samples: guidance's two halves of a sample share a run, so a guided run holds twice the rows.
        var halves = guided && scale != 0.0 ? 2 : 1;
        var rows = Math.Max(1, options.MaxBatch) * halves;
        MaxRowsPerRun = fixedBatch is { } fixedRows ? Math.Min(rows, fixedRows) : rows;
        MaxBatch = Math.Max(1, MaxRowsPerRun / halves);
        RowsPerRun = fixedBatch ?? MaxRowsPerRun;
        denoiser = !guided ? new ConditionedDenoiser(this, labels)
            : scale == 0.0 ? new ConditionedDenoiser(this, labels.Select(c => ~c).ToArray())
            : new ClassifierFreeGuidance(this, labels, scale);
    }

    /// <summary>The card the model was opened with.</summary>
    public ModelCard Card { get; }

    /// <summary>The device actually used: "cpu" or "cuda:N".</summary>
    public string Device { get; }

    /// <inheritdoc cref="IDenoiser.Schedule" />
    public NoiseSchedule Schedule { get; }

    /// <inheritdoc cref="IDenoiser.SampleSize" />
    public int SampleSize { get; }

    /// <inheritdoc />
    public Parameterization Parameterization { get; }

    /// <inheritdoc />
    public bool IsConditioned => classInput is not null || conditioning.Length > 0;

    /// <summary>Number of prompts of a text-conditioned model (the rows of its conditioning arrays; 0 for other models).</summary>
    public int PromptCount => conditioning.Length == 0 ? 0 : conditioning.Max(c => c.Positive.Rows);

    /// <inheritdoc />
    public int MaxRowsPerRun { get; }

    /// <inheritdoc />
    public bool AcceptsRowTimes => !timeIsScalar;

    /// <inheritdoc />
    public long Calls => denoiser.Calls;

    /// <inheritdoc />
    public bool HandlesRowTimes => denoiser.HandlesRowTimes;

    /// <summary>The graph's inputs.</summary>
    public IReadOnlyList<TensorSignature> Inputs { get; }

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<TensorSignature> Outputs { get; }

    /// <summary>Samples per model run (guidance doubles the rows of a run, not this number).</summary>
    public int MaxBatch { get; }

    /// <summary>Rows of one model run's tensors (a fixed batch axis pads every run to it).</summary>
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
            var inputs = TensorSignature.FromAll(session.InputMetadata);
            ModelCardValidator.Validate(card, inputs, TensorSignature.FromAll(session.OutputMetadata));
            if (schedule is VpDiscreteSchedule discrete && ModelCardValidator.IsInteger(inputs.First(i => i.Name == card.Inputs.Time).ElementType))
            {
                // Trained on the grid: the solver sees only grid times, so it and the network agree on every alpha and sigma.
                schedule = new SnappedDiscreteSchedule(discrete);
            }

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
    public void Predict(ReadOnlySpan<double> x, int batch, double t, Span<double> x0, Span<double> eps) =>
        denoiser.Predict(x, batch, t, x0, eps);

    /// <inheritdoc />
    public void PredictRows(ReadOnlySpan<double> x, ReadOnlySpan<double> t, Span<double> x0, Span<double> eps) =>
        denoiser.PredictRows(x, t, x0, eps);

    /// <inheritdoc />
    /// <remarks>The view shares this model's session; its calls are counted by the view, not by this denoiser.</remarks>
    public IDenoiser FromSample(int firstSample)
    {
        var view = ((ISampleIndexedDenoiser)denoiser).FromSample(firstSample);
        return ReferenceEquals(view, denoiser) ? this : view;
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
    /// <remarks>Runs the rows in runs of at most <see cref="MaxRowsPerRun"/>, padded to a fixed batch axis.</remarks>
    public void Evaluate(ReadOnlySpan<double> x, int rows, ReadOnlySpan<double> t, ReadOnlySpan<int> conditions, Span<double> output)
    {
        if (t.Length == 1)
        {
            var c = time.At(t[0]);
            if (c.Identity)
            {
                // EDM at sigma 0: D(xbar, 0) = xbar, no network input exists.
                for (var r = 0; r < rows; r++)
                {
                    time.Finish(StateOf(x, r), c, output.Slice(r * SampleSize, SampleSize));
                }

                return;
            }

            Run(x, rows, [c], conditions, output);
            return;
        }

        var coefficients = new NetworkCoefficients[rows];
        for (var r = 0; r < rows; r++)
        {
            coefficients[r] = r > 0 && t[r] == t[r - 1] ? coefficients[r - 1] : time.At(t[r]);
        }

        Run(x, rows, coefficients, conditions, output);
    }

    private ReadOnlySpan<double> StateOf(ReadOnlySpan<double> x, int row)
    {
        var states = x.Length / SampleSize;
        return x.Slice(row % states * SampleSize, SampleSize);
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows in runs of at most <see cref="MaxRowsPerRun"/>: with one coefficient set for
    /// all rows, or one per row (rows at their own times).
    /// </summary>
    private void Run(ReadOnlySpan<double> x, int rows, ReadOnlySpan<NetworkCoefficients> coefficients, ReadOnlySpan<int> conditions, Span<double> output)
    {
        if (classInput is not null && conditions.Length < rows)
        {
            throw new ArgumentException($"model '{Card.Name}' is class-conditional: every row needs a label", nameof(conditions));
        }

        var buffers = Rent();
        try
        {
            for (var start = 0; start < rows; start += MaxRowsPerRun)
            {
                var n = Math.Min(MaxRowsPerRun, rows - start);
                var chunk = coefficients.Length == 1 ? coefficients : coefficients.Slice(start, n);
                RunChunk(buffers, x, start, n, chunk, conditions.IsEmpty ? conditions : conditions.Slice(start, n));
                ReadChunk(buffers, x, start, n, chunk, output.Slice(start * SampleSize, n * SampleSize));
            }
        }
        finally
        {
            pool.Add(buffers);
        }
    }

    private void RunChunk(OnnxRunBuffers buffers, ReadOnlySpan<double> x, int start, int n, ReadOnlySpan<NetworkCoefficients> coefficients, ReadOnlySpan<int> conditions)
    {
        var rows = fixedBatch ?? n;
        if (coefficients.Length == 1)
        {
            // Rows cycle over the states: write each run of consecutive states in one piece.
            var states = x.Length / SampleSize;
            for (var r = 0; r < n;)
            {
                var state = (start + r) % states;
                var count = Math.Min(n - r, states - state);
                buffers.Sample.Write(r * SampleSize, x.Slice(state * SampleSize, count * SampleSize), coefficients[0].InputScale);
                r += count;
            }

            buffers.Time.Fill(0, timeIsScalar ? 1 : rows, coefficients[0].TimeValue);
        }
        else
        {
            // Rows at their own times (time with a batch axis); padding rows repeat the last time.
            for (var r = 0; r < n; r++)
            {
                buffers.Sample.Write(r * SampleSize, StateOf(x, start + r), coefficients[r].InputScale);
                buffers.Time.Fill(r, 1, coefficients[r].TimeValue);
            }

            buffers.Time.Fill(n, rows - n, coefficients[n - 1].TimeValue);
        }

        for (var k = 0; k < conditioning.Length; k++)
        {
            // Padding rows repeat the last row's condition.
            var array = conditioning[k];
            var buffer = buffers.Extra[k].Buffer;
            for (var i = 0; i < rows; i++)
            {
                buffer.Write(i * array.RowSize, array.RowFor(conditions[Math.Min(i, n - 1)]), 1.0);
            }
        }

        if (buffers.Label is { } label)
        {
            // Padding rows repeat the last row's label; their outputs are never read.
            for (var i = 0; i < rows; i++)
            {
                var c = conditions[Math.Min(i, n - 1)];
                label.SetLabel(i, c >= 0 ? c : nullClass);
            }
        }

        buffers.Shape(rows);
        session.Run(runOptions, inputNames, buffers.Inputs, outputNames, buffers.Outputs);
    }

    private void ReadChunk(OnnxRunBuffers buffers, ReadOnlySpan<double> x, int start, int n, ReadOnlySpan<NetworkCoefficients> coefficients, Span<double> output)
    {
        buffers.Output.ReadInto(0, output[..(n * SampleSize)]);
        if (coefficients.Length == 1)
        {
            if (time.Combines)
            {
                for (var r = 0; r < n; r++)
                {
                    time.Finish(StateOf(x, start + r), coefficients[0], output.Slice(r * SampleSize, SampleSize));
                }
            }

            return;
        }

        for (var r = 0; r < n; r++)
        {
            // EDM at sigma 0 gives x / alpha for its row (the network's output for this row is not read).
            time.Finish(StateOf(x, start + r), coefficients[r], output.Slice(r * SampleSize, SampleSize));
        }
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
            classInput is null ? null : new TensorBuffer(labelType, rows),
            new TensorBuffer(outputType, rows * SampleSize),
            sampleShape,
            timeIsScalar,
            conditioning.Select(c => (new TensorBuffer(c.ElementType, rows * c.RowSize), c.RowShape)).ToArray());
    }

    private static ConditioningArray[] LoadConditioning(ModelCard card, IReadOnlyList<TensorSignature> inputs) =>
        card.Inputs.Conditioning
            .Select(kv => new ConditioningArray(
                kv.Key,
                inputs.First(i => i.Name == kv.Key).ElementType,
                Npy.Read(card.Resolve(kv.Value)),
                card.Negative is { } negative && negative.TryGetValue(kv.Key, out var file) ? Npy.Read(card.Resolve(file)) : null))
            .ToArray();

    /// <summary>Class labels cycled over the samples: the options' list, else 0..num_classes-1 (empty for an unconditional model).</summary>
    private static int[] Labels(ModelCard card, OnnxDenoiserOptions options, string? classInput)
    {
        int[] labels = options.ClassLabels?.ToArray()
            ?? (card.Guidance is { } g ? Enumerable.Range(0, g.NumClasses).ToArray() : []);
        if (classInput is not null && labels.Length == 0)
        {
            throw new ArgumentException($"model card '{card.Name}' is class-conditional (input '{classInput}') without a guidance block: give OnnxDenoiserOptions.ClassLabels", nameof(options));
        }

        return labels;
    }

    /// <summary>Prompt rows cycled over the samples: the options' list (each below the prompt count), else every row in turn.</summary>
    private int[] Prompts(ModelCard card, OnnxDenoiserOptions options)
    {
        var count = PromptCount;
        if (options.Prompts is not { } prompts)
        {
            return Enumerable.Range(0, count).ToArray();
        }

        if (prompts.Count == 0 || prompts.Any(p => p < 0 || p >= count))
        {
            throw new ArgumentException($"prompt rows [{string.Join(", ", prompts)}] must be between 0 and {count - 1}: the conditioning arrays of model card '{card.Name}' hold {count} prompts", nameof(options));
        }

        return [.. prompts];
    }
}
