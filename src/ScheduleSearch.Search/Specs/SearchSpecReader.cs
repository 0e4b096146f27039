using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ScheduleSearch.Core.Json;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Evaluation.Metrics;
using ScheduleSearch.Search.Generators;

namespace ScheduleSearch.Search.Specs;

/// <summary>The strict reader behind <see cref="SearchSpec.Parse"/>.</summary>
internal static class SearchSpecReader
{
    public static SearchSpec Read(string json, string source, string baseDirectory)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SearchSpecException($"{source}: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = SpecFields.Read(document.RootElement, source, string.Empty,
                "format", "name", "model", "nfe", "metric", "space", "strategy", "budget", "baselines", "baseline_spacings", "guidance", "objective", "racing");
            var format = root.String("format");
            if (format != SearchSpec.Format)
            {
                throw root.Error("format", $"is \"{format}\"; expected \"{SearchSpec.Format}\"");
            }

            var name = root.String("name");
            if (name.Any(char.IsControl))
            {
                throw root.Error("name", "must not contain control characters");
            }

            var model = root.String("model");
            var nfe = root.List("nfe").Select((e, i) => root.IntElement(e, $"nfe[{i}]", 1)).ToArray();
            if (nfe.Distinct().Count() != nfe.Length)
            {
                throw root.Error("nfe", "lists an NFE twice");
            }

            var metric = root.Object("metric", "kind", "samples", "seed", "heldout", "teacher", "features", "decode");
            var spec = new SearchSpec
            {
                Name = name,
                ModelPath = Path.GetFullPath(Path.IsPathRooted(model) ? model : Path.Combine(baseDirectory, model)),
                Nfe = [.. nfe.Order()],
                Metric = ReadMetric(metric),
                SourceJson = json,
            };
            if (metric.Has("features"))
            {
                spec = spec with { Features = SamplingFieldsReader.Features(metric, spec.Metric.Kind, baseDirectory) };
            }

            if (root.Has("guidance"))
            {
                spec = spec with { Guidance = SamplingFieldsReader.Guidance(root.Object("guidance", SamplingFieldsReader.GuidanceFields)) };
            }

            if (root.Has("space"))
            {
                spec = spec with { Space = ReadSpace(root.Object("space", "prediction", "order", "method", "derivative", "corrector", "t_max", "t_min", "time_shift", "compensation", "momentum", "teleport", "afs", "models")) };
            }

            if (root.Has("strategy"))
            {
                spec = spec with { Strategy = ReadStrategy(root.Object("strategy", "kind", "population", "generations", "seed", "breeding")) };
            }

            if (root.Has("budget"))
            {
                spec = spec with { Budget = ReadBudget(root.Object("budget", "evaluations", "hours", "stall_generations")) };
            }

            if (root.Has("objective"))
            {
                spec = spec with { Objective = ObjectiveSpecReader.Read(root.Object("objective", ObjectiveSpecReader.Fields)) };
            }

            spec = spec with { Racing = RacingSpecReader.Read(root, spec.Metric) };
            if (root.Has("baselines"))
            {
                var names = root.Strings("baselines");
                for (var i = 0; i < names.Count; i++)
                {
                    if (!PresetCatalog.Names.Contains(names[i]))
                    {
                        throw root.Error($"baselines[{i}]", $"unknown preset \"{names[i]}\"; expected one of {string.Join(", ", PresetCatalog.Names)}");
                    }
                }

                spec = spec with { Baselines = [.. names.Distinct()] };
            }

            if (root.Has("baseline_spacings"))
            {
                var spacings = root.Strings("baseline_spacings");
                for (var i = 0; i < spacings.Count; i++)
                {
                    try
                    {
                        Spacing.Parse(spacings[i]);
                    }
                    catch (ArgumentException e)
                    {
                        throw root.Error($"baseline_spacings[{i}]", e.Message);
                    }
                }

                spec = spec with { BaselineSpacings = [.. spacings.Distinct()] };
            }

            return spec;
        }
    }

    private static MetricSpec ReadMetric(StrictJsonObject f)
    {
        var kind = f.String("kind");
        if (!MetricCatalog.Names.Contains(kind))
        {
            throw f.Error(f.FieldPath("kind"), $"unknown metric \"{kind}\"; expected one of {string.Join(", ", MetricCatalog.Names)}");
        }

        var metric = new MetricSpec { Kind = kind, Decode = f.OptionalBool("decode", false) };
        if (metric.Decode && MetricCatalog.DecodeProblem(kind) is { } problem)
        {
            // Teacher metrics and fd/kid compare with the teacher's samples, which decode alike; gmm-nll's mixture is over latents.
            throw f.Error(f.FieldPath("decode"), problem);
        }

        if (f.Has("samples"))
        {
            metric = metric with { Samples = f.Int("samples", 1) };
        }

        if (f.Has("seed"))
        {
            metric = metric with { Seed = f.Int("seed", 0) };
        }

        // The held-out set defaults to another seed than the scoring set (SEARCH-NOTES.md section 1).
        metric = metric with { HeldOutSeed = metric.Seed + 1 };
        if (f.Has("heldout"))
        {
            var h = f.Object("heldout", "samples", "seed");
            if (h.Has("samples"))
            {
                metric = metric with { HeldOutSamples = h.Int("samples", 1) };
            }

            if (h.Has("seed"))
            {
                metric = metric with { HeldOutSeed = h.Int("seed", 0) };
            }
        }

        if (metric.HeldOutSeed == metric.Seed)
        {
            throw f.Error(f.FieldPath("heldout.seed"), "must differ from metric.seed (the held-out set must be other noise)");
        }

        if (f.Has("teacher"))
        {
            var t = f.Object("teacher", "preset", "nfe", "spacing");
            var teacher = new TeacherSpec();
            if (t.Has("preset"))
            {
                var preset = t.String("preset");
                if (!PresetCatalog.Names.Contains(preset))
                {
                    throw t.Error(t.FieldPath("preset"), $"unknown preset \"{preset}\"; expected one of {string.Join(", ", PresetCatalog.Names)}");
                }

                teacher = teacher with { Preset = preset };
            }

            if (t.Has("nfe"))
            {
                teacher = teacher with { Nfe = t.Int("nfe", 1) };
            }

            if (t.Has("spacing"))
            {
                var spacing = t.String("spacing");
                try
                {
                    Spacing.Parse(spacing);
                }
                catch (ArgumentException e)
                {
                    throw t.Error(t.FieldPath("spacing"), e.Message);
                }

                teacher = teacher with { Spacing = spacing };
            }

            metric = metric with { Teacher = teacher };
        }

        return metric;
    }

    private static SearchSpace ReadSpace(StrictJsonObject f)
    {
        var space = SearchSpace.Default;
        if (f.Has("prediction"))
        {
            space = space with { Predictions = [.. Names(f, "prediction", ScheduleNames.ParsePrediction, ScheduleNames.PredictionNames)] };
        }

        if (f.Has("order"))
        {
            var orders = f.List("order").Select((e, i) => f.IntElement(e, $"{f.FieldPath("order")}[{i}]", 1)).Distinct().Order().ToArray();
            if (orders[^1] > 4)
            {
                throw f.Error(f.FieldPath("order"), $"order {orders[^1].ToString(CultureInfo.InvariantCulture)} is above 4, the highest the executor runs");
            }

            space = space with { Orders = [.. orders] };
        }

        if (f.Has("method"))
        {
            var methods = Names(f, "method", ScheduleNames.ParseMethod, ScheduleNames.MethodNames);
            var bad = methods.FirstOrDefault(m => m is not (StepMethod.Multistep or StepMethod.Singlestep), StepMethod.Multistep);
            if (bad != StepMethod.Multistep)
            {
                throw f.Error(f.FieldPath("method"), $"{ScheduleNames.Name(bad)} is searched only through baselines; the space takes multistep and singlestep");
            }

            space = space with { Methods = [.. methods] };
        }

        if (f.Has("derivative"))
        {
            var forms = f.Strings("derivative").Select((text, i) => ScheduleNames.ParseDerivative(text) is { } d && d.LinearC == 0.0
                ? d.Form
                : throw f.Error($"{f.FieldPath("derivative")}[{i}]", $"unknown derivative \"{text}\"; expected one of taylor, dpm-solver, unipc-bh1, unipc-bh2, deis, dpm-solver-v3, dpm-solver-v3-pseudo")).Distinct();
            space = space with { Derivatives = [.. forms] };
            if (space.Derivatives.All(d => d is DerivativeForm.DpmSolverV3 or DerivativeForm.DpmSolverV3Pseudo))
            {
                throw f.Error(f.FieldPath("derivative"), "dpm-solver-v3 steps cannot run on a step to t = 0 or off the statistics grid; list another derivative beside them (e.g. dpm-solver)");
            }
        }

        if (f.Has("corrector"))
        {
            space = space with { Correctors = [.. Names(f, "corrector", ScheduleNames.ParseCorrector, ScheduleNames.CorrectorNames)] };
        }

        if (space.Derivatives.All(d => d == DerivativeForm.Deis) && !space.Predictions.Contains(Prediction.Noise))
        {
            throw f.Error(f.FieldPath("derivative"), "deis runs on noise predictions only: add \"noise\" to prediction or another derivative");
        }

        if (f.Has("t_max"))
        {
            space = space with { TMax = f.Double("t_max", 0.0) };
        }

        if (f.Has("t_min"))
        {
            var values = f.List("t_min").Select((e, i) => f.DoubleElement(e, $"{f.FieldPath("t_min")}[{i}]")).ToArray();
            if (values.Length > 2)
            {
                throw f.Error(f.FieldPath("t_min"), "must be one number or a [low, high] range");
            }

            space = space with { TMinLow = values.Min(), TMinHigh = values.Max() };
        }

        if (Switch(f, "time_shift", 0.0, 0.5, "the largest |time_shift| as a fraction of the step's start t", SearchSpace.DefaultTimeShiftBound, out var shift))
        {
            space = space with { TimeShift = true, TimeShiftBound = shift };
        }
        else if (f.Has("time_shift"))
        {
            // On by default: false turns it off.
            space = space with { TimeShift = false };
        }

        if (Switch(f, "compensation", 0.0, 1.0, "the largest |rho - 1| of a compensation ratio", SearchSpace.DefaultCompensationBound, out var compensation))
        {
            space = space with { Compensation = true, CompensationBound = compensation };
        }

        if (Switch(f, "momentum", 0.0, 1.0, "the largest momentum beta", SearchSpace.DefaultMomentumMax, out var momentum))
        {
            space = space with { Momentum = true, MomentumMax = momentum };
        }

        if (Switch(f, "teleport", 0.0, 1.0, "the lowest landing point t_skip as a fraction of t_T", SearchSpace.DefaultTeleportLowest, out var teleport))
        {
            space = space with { Teleport = true, TeleportLowest = teleport };
        }

        if (f.Has("afs"))
        {
            var value = f.Required("afs");
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                space = space with { AfsModes = value.ValueKind == JsonValueKind.True ? [AnalyticFirstStep.ZeroX0, AnalyticFirstStep.MeanX0] : [] };
            }
            else
            {
                var modes = Names(f, "afs", ScheduleNames.ParseFirstStep, "zero-x0, mean-x0");
                if (modes.Contains(AnalyticFirstStep.None))
                {
                    throw f.Error(f.FieldPath("afs"), "lists \"none\"; list only the first steps to search (zero-x0, mean-x0) or use false");
                }

                space = space with { AfsModes = [.. modes] };
            }
        }

        if (f.Has("models"))
        {
            space = space with { Models = [.. ObjectiveSpecReader.Models(f)] };
        }

        if (space.TMax is { } top && space.TMinHigh is { } bottom && !(top > bottom))
        {
            throw f.Error(f.FieldPath("t_max"), "must be above t_min");
        }

        return space;
    }

    /// <summary>
    /// A wider-space switch: absent or false is off; true is on with <paramref name="fallback"/> as the bound; a number
    /// strictly between <paramref name="low"/> and <paramref name="high"/> is on with that bound.
    /// </summary>
    private static bool Switch(StrictJsonObject f, string name, double low, double high, string meaning, double fallback, out double bound)
    {
        bound = fallback;
        if (!f.Has(name))
        {
            return false;
        }

        var value = f.Required(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.False:
                return false;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                bound = number > low && number < high
                    ? number
                    : throw f.Error(f.FieldPath(name), $"is {number.ToString("R", CultureInfo.InvariantCulture)}; as a number it is {meaning} and must be above {low.ToString("R", CultureInfo.InvariantCulture)} and below {high.ToString("R", CultureInfo.InvariantCulture)}");
                return true;
            default:
                throw f.Error(f.FieldPath(name), $"must be true, false or a number ({meaning}), not {SpecJsonDialect.Describe(value)}");
        }
    }

    private static StrategySpec ReadStrategy(StrictJsonObject f)
    {
        var strategy = new StrategySpec();
        if (f.Has("kind"))
        {
            var kind = f.String("kind");
            if (!GeneratorCatalog.Names.Contains(kind))
            {
                throw f.Error(f.FieldPath("kind"), $"unknown strategy \"{kind}\"; expected one of {string.Join(", ", GeneratorCatalog.Names)}");
            }

            strategy = strategy with { Kind = kind };
        }

        if (f.Has("population"))
        {
            strategy = strategy with { Population = f.Int("population", 2) };
        }

        if (f.Has("generations"))
        {
            strategy = strategy with { Generations = f.Int("generations", 1) };
        }

        if (f.Has("seed"))
        {
            strategy = strategy with { Seed = f.Int("seed", 0) };
        }

        if (f.Has("breeding"))
        {
            var breeding = f.String("breeding");
            strategy = strategy with
            {
                Breeding = breeding switch
                {
                    "mixing" => Breeding.Mixing,
                    "prefix" => Breeding.Prefix,
                    _ => throw f.Error(f.FieldPath("breeding"), $"unknown breeding \"{breeding}\"; expected mixing or prefix"),
                },
            };
        }

        return strategy;
    }

    private static BudgetSpec ReadBudget(StrictJsonObject f)
    {
        var budget = new BudgetSpec();
        if (f.Has("evaluations"))
        {
            budget = budget with { Evaluations = f.Int("evaluations", 1) };
        }

        if (f.Has("hours"))
        {
            budget = budget with { Hours = f.Double("hours", 0.0) };
        }

        if (f.Has("stall_generations"))
        {
            budget = budget with { StallGenerations = f.Int("stall_generations", 1) };
        }

        return budget;
    }

    private static List<T> Names<T>(StrictJsonObject f, string field, Func<string, T?> parse, string choices)
        where T : struct
    {
        var result = new List<T>();
        var names = f.Strings(field);
        for (var i = 0; i < names.Count; i++)
        {
            var value = parse(names[i]) ?? throw f.Error($"{f.FieldPath(field)}[{i}]", $"unknown value \"{names[i]}\"; expected one of {choices}");
            if (!result.Contains(value))
            {
                result.Add(value);
            }
        }

        return result;
    }
}
