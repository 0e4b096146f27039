using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Schedules;

namespace ScheduleSearch.Core.Solvers;

/// <summary>
/// The executor: runs any valid <see cref="SamplerSchedule"/> on an <see cref="IDenoiser"/>. One loop over the
/// steps; each step's predictor, corrector and history use follow SOLVERS.md section 2 and the authors' code as
/// documented in refdata/README.md. Buffers are reused between runs: one instance serves one thread.
/// </summary>
public sealed partial class Sampler
{
    private readonly IDenoiser denoiser;
    private readonly NoiseSchedule schedule;
    private readonly Dictionary<DeisKey, double[]> deisCache = [];
    private readonly DataStatistics? statistics;
    private readonly IReadOnlyDictionary<string, IDenoiser> variants;
    private readonly EmsStatistics? ems;
    private Workspace? workspace;

    /// <summary>
    /// Creates an executor for <paramref name="denoiser"/>; <paramref name="statistics"/> (the data's mean and covariance)
    /// enables the Gaussian teleport, the mean-x0 first step and TS-DPM's variance matching; <paramref name="variants"/>
    /// are other networks of the same schedule and shape that a step may name in its "model" field (T-Stitch);
    /// <paramref name="ems"/> (the card's empirical model statistics) enables DPM-Solver-v3 steps.
    /// </summary>
    public Sampler(IDenoiser denoiser, DataStatistics? statistics = null, IReadOnlyDictionary<string, IDenoiser>? variants = null, EmsStatistics? ems = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        this.denoiser = denoiser;
        this.statistics = statistics;
        this.variants = variants ?? new Dictionary<string, IDenoiser>();
        schedule = denoiser.Schedule;
        foreach (var (name, variant) in this.variants)
        {
            if (variant.SampleSize != denoiser.SampleSize || variant.Schedule.Kind != schedule.Kind)
            {
                throw new ArgumentException($"model variant '{name}' has {variant.SampleSize} values per sample on a {variant.Schedule.Kind} schedule; the primary model has {denoiser.SampleSize} on {schedule.Kind}", nameof(variants));
            }
        }
        if (ems is not null && ems.SampleSize != denoiser.SampleSize)
        {
            throw new ArgumentException($"the empirical model statistics describe {ems.SampleSize} values per sample; the model has {denoiser.SampleSize}", nameof(ems));
        }

        this.ems = ems;
        if (statistics is not null && statistics.Mean.Count != denoiser.SampleSize)
        {
            throw new ArgumentException($"statistics describe {statistics.Mean.Count} values per sample; the model has {denoiser.SampleSize}", nameof(statistics));
        }
    }

    /// <summary>The model this executor runs.</summary>
    public IDenoiser Denoiser => denoiser;

    /// <summary>
    /// The start state for standard-normal <paramref name="noise"/> at <paramref name="tStart"/>: the noise itself for
    /// VP and flow models, sigma(t_T) * noise for VE/EDM models (DPM-Solver's and k-diffusion's conventions).
    /// </summary>
    public static void InitialState(NoiseSchedule noiseSchedule, double tStart, ReadOnlySpan<double> noise, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(noiseSchedule);
        var scale = noiseSchedule is EdmSchedule ? noiseSchedule.Sigma(tStart) : 1.0;
        for (var i = 0; i < noise.Length; i++)
        {
            x[i] = scale * noise[i];
        }
    }

    /// <summary>
    /// Integrates <paramref name="x"/> (batch x SampleSize, the state at Timesteps[0]) down to Timesteps[^1] in place.
    /// <paramref name="afterStep"/> sees the state after each step (index 0-based). Throws
    /// <see cref="ScheduleFormatException"/> for a schedule that cannot run on this model.
    /// </summary>
    public void Run(SamplerSchedule plan, double[] x, int batch, Action<int, ReadOnlySpan<double>>? afterStep = null, CancellationToken cancellationToken = default) =>
        RunCore(plan, x, batch, null, afterStep, null, cancellationToken);

    private void RunCore(
        SamplerSchedule plan,
        double[] x,
        int batch,
        SamplerState? start,
        Action<int, ReadOnlySpan<double>>? afterStep,
        Action<int, Func<SamplerState>>? prefixReady,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(x);
        var size = batch * denoiser.SampleSize;
        if (x.Length != size)
        {
            throw new ArgumentException($"state holds {x.Length} values; expected batch {batch} x {denoiser.SampleSize}", nameof(x));
        }

        ScheduleValidator.Validate(plan, schedule);
        RequireStatistics(plan);
        RequireVariants(plan);
        RequireEms(plan);
        var ws = workspace is { Size: var n } && n == size ? workspace : workspace = new Workspace(size);
        var first = start is null ? 0 : Restore(ws, start, plan, x, batch);
        if (start is null)
        {
            ws.History.Clear();
            ws.HasMomentum = false;
            ws.Frozen.Clear();
        }

        var ts = plan.Timesteps;
        var steps = plan.Steps;
        for (var i = first; i < steps.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var s = ts[i];
            var t = ts[i + 1];
            var step = steps[i];
            var last = i == steps.Length - 1;
            var resumedHere = start is not null && i == first;
            if (step.Method == StepMethod.Teleport)
            {
                OfferPrefix(resumedHere ? null : prefixReady, plan, ws, x, batch, i);
                Teleport(x, batch, s, t);
                afterStep?.Invoke(i, x);
                continue;
            }

            if (!ws.History.HasPointAt(s))
            {
                if (i == 0 && plan.Options.Afs != AnalyticFirstStep.None)
                {
                    AnalyticAnchor(plan.Options.Afs, x, batch, s, ws.History.Pending);
                }
                else
                {
                    EvaluateInto(x, batch, EvaluationTime(plan, i, x, batch), ws.History.Pending, step.Model);
                }

                ws.History.Push(s, schedule.Lambda(s));
            }

            // Prefix sharing: the state here (step i's anchor evaluated, its update not begun) is shared by every
            // schedule with the same first i steps, point t_i and step i's model and time shift.
            OfferPrefix(resumedHere ? null : prefixReady, plan, ws, x, batch, i);
            var order = EvaluationPlan.EffectiveOrder(plan, i);
            // The predictor writes in place unless something still needs the state at s afterwards: the corrector
            // (which restarts from x_s) or momentum (which recombines x_s with the averaged prediction).
            var momentum = plan.Options.Momentum > 0.0;
            var target = step.Corrector == CorrectorKind.None && !momentum ? x : ws.Predicted;
            switch (step.Method)
            {
                case StepMethod.Multistep when step.Derivative is DerivativeForm.UniPcBh1 or DerivativeForm.UniPcBh2:
                    UniPcPredict(ws, step, order, x, t, target);
                    break;
                case StepMethod.Multistep when step.IsDpmSolverV3:
                    EmsPredict(plan, ws, step, order, x, t, target);
                    break;
                case StepMethod.Multistep when step.Derivative == DerivativeForm.Deis:
                    DeisStep(ws, order, x, t, target);
                    break;
                case StepMethod.Multistep:
                    MultistepPredict(ws, step, order, x, t, target);
                    break;
                case StepMethod.Singlestep:
                    SinglestepPredict(ws, step, order, x, batch, t, target);
                    break;
                case StepMethod.Euler:
                case StepMethod.Ipndm:
                case StepMethod.Plms:
                    AdamsBashforthStep(ws, step, order, x, batch, i, t, target);
                    break;
                case StepMethod.Heun:
                    HeunStep(ws, step, x, batch, t, target);
                    break;
                default:
                    throw new InvalidOperationException($"step {i + 1}: unknown method {step.Method}");
            }

            if (momentum)
            {
                ApplyMomentum(ws, step, x, t, target, plan.Options.Momentum);
                if (step.Corrector == CorrectorKind.None)
                {
                    Array.Copy(target, x, size);
                }
            }

            switch (step.Corrector)
            {
                case CorrectorKind.None:
                    break;
                case CorrectorKind.UniC:
                    {
                        // UniC (UniPC Alg. 2): the evaluation at the predicted state is the next step's anchor.
                        var mt = ws.History.Pending;
                        EvaluateInto(ws.Predicted, batch, EvaluationTime(plan, i + 1, ws.Predicted, batch), mt, steps[i + 1].Model);
                        Correct(ws, step, order, x, t, mt);
                        ws.History.Push(t, schedule.Lambda(t));
                        break;
                    }

                case CorrectorKind.DpmSolverV3:
                case CorrectorKind.DpmSolverV3Pseudo:
                    {
                        // As UniC: the evaluation at the predicted state is the next step's anchor.
                        var fresh = ws.History.Pending;
                        EvaluateInto(ws.Predicted, batch, EvaluationTime(plan, i + 1, ws.Predicted, batch), fresh, steps[i + 1].Model);
                        fresh.T = t;
                        fresh.Lambda = schedule.Lambda(t);
                        EmsCorrect(plan, ws, step, order, x, t, fresh);
                        ws.History.Push(t, fresh.Lambda);
                        break;
                    }

                case CorrectorKind.Implicit:
                    {
                        // As UniC, then one extra evaluation at the corrected state becomes the anchor.
                        EvaluateInto(ws.Predicted, batch, last ? t : EvaluationTime(plan, i + 1, ws.Predicted, batch), ws.Scratch1, last ? step.Model : steps[i + 1].Model);
                        Correct(ws, step, order, x, t, ws.Scratch1);
                        if (!last)
                        {
                            EvaluateInto(x, batch, EvaluationTime(plan, i + 1, x, batch), ws.History.Pending, steps[i + 1].Model);
                            ws.History.Push(t, schedule.Lambda(t));
                        }

                        break;
                    }

                default:
                    throw new InvalidOperationException($"step {i + 1}: unknown corrector {step.Corrector}");
            }

            afterStep?.Invoke(i, x);
        }

        if (plan.Options.DenoiseToZero)
        {
            // DPM-Solver's denoise_to_zero: one more call replaces the state by x0_hat at t_0.
            EvaluateInto(x, batch, ts[^1], ws.Scratch1, steps[^1].Model);
            Array.Copy(ws.Scratch1.X0, x, size);
        }
    }

    private void EvaluateInto(double[] state, int batch, double t, HistoryPoint into, string? model) =>
        (model is null ? denoiser : variants[model]).Predict(state, batch, t, into.X0, into.Eps);

    private void RequireVariants(SamplerSchedule plan)
    {
        for (var i = 0; i < plan.Steps.Length; i++)
        {
            if (plan.Steps[i].Model is { } name && !variants.ContainsKey(name))
            {
                var known = variants.Count == 0 ? "the model card lists no variants" : "the card's variants are " + string.Join(", ", variants.Keys.Order(StringComparer.Ordinal));
                throw new ScheduleFormatException($"step {i + 1}: model \"{name}\" is not a variant of this model ({known})");
            }
        }
    }

    private static double[] Values(HistoryPoint point, bool data) => data ? point.X0 : point.Eps;

    /// <summary>Buffers of one run, reused while the batch size stays the same.</summary>
    private sealed class Workspace(int size)
    {
        public int Size { get; } = size;

        public StepHistory History { get; } = new(size);

        public double[] Predicted { get; } = new double[size];

        public double[] Inner1 { get; } = new double[size];

        public double[] Inner2 { get; } = new double[size];

        public HistoryPoint Scratch1 { get; } = new(size);

        public HistoryPoint Scratch2 { get; } = new(size);

        /// <summary>GHVB: the previous step's effective prediction (valid when <see cref="HasMomentum"/>).</summary>
        public double[] Momentum { get; } = new double[size];

        public bool HasMomentum { get; set; }

        /// <summary>
        /// Immutable copies of held history points by <see cref="StepHistory.StampOf"/>, so that the prefix states one
        /// run captures (and the state it resumed from) share the points they have in common instead of copying them again.
        /// </summary>
        public Dictionary<long, HistoryPoint> Frozen { get; } = [];

        public Prediction MomentumPrediction { get; set; }
    }
}
