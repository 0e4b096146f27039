using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Ems;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Core.Presets;
using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Core.Spacings;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Generators;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Search.Tests.Support;

/// <summary>
/// The generator contexts the generator and operator tests start from: a discrete linear VP model, a small exact
/// mixture for generators that run the teacher themselves (dp-timesteps), and preset seeds at the target NFE.
/// </summary>
internal static class GeneratorContexts
{
    /// <summary>The model's noise schedule.</summary>
    public static readonly NoiseSchedule Vp = VpDiscreteSchedule.Linear();

    /// <summary>A small exact mixture in 4 dimensions.</summary>
    public static readonly GaussianMixtureDenoiser Model = SmallModel();

    /// <summary>The NFEs the sweeps cover.</summary>
    public static TheoryData<int> Nfes => [2, 3, 4, 5, 6, 8, 10];

    /// <summary>
    /// The context named <paramref name="space"/>: "plain" (plain decisions, a t_min range), "wide" (the wide
    /// decisions of issue 9 too), or either with " prefix" (prefix breeding), or "dpm-solver-v3" (v3 steps allowed).
    /// </summary>
    public static GeneratorContext Named(string space, int nfe) => space switch
    {
        "plain" => Plain(nfe),
        "wide" => Wide(nfe),
        "plain prefix" => Plain(nfe) with { Breeding = Breeding.Prefix },
        "wide prefix" => Wide(nfe) with { Breeding = Breeding.Prefix },
        "dpm-solver-v3" => V3(nfe),
        _ => throw new ArgumentException($"unknown test space '{space}'", nameof(space)),
    };

    /// <summary>Plain decisions with a t_min range, population 20, seeded by the NFE, five preset seeds.</summary>
    public static GeneratorContext Plain(int nfe, SearchSpace? space = null) => new()
    {
        Noise = Vp,
        Nfe = nfe,
        Space = space ?? SearchSpace.Plain with { TMinLow = 0.0001, TMinHigh = 0.005 },
        Population = 20,
        Seed = nfe,
        Budget = 200,
        Seeds = Seeds(nfe),
        Model = Model,
    };

    /// <summary>The default space widened with issue 9's decisions.</summary>
    public static GeneratorContext Wide(int nfe) =>
        Plain(nfe, (SearchSpace.Default with { TMinLow = 0.0001, TMinHigh = 0.005 }).WithWideDecisions());

    /// <summary>
    /// DPM-Solver-v3 statistics of the model's size on a grid from t = 1 to t = 2e-3, smooth made-up values (the rules
    /// care about the grid only); the spaces' end points reach down to 1e-4, off that grid.
    /// </summary>
    public static readonly EmsStatistics Ems = SmoothStatistics();

    /// <summary>
    /// Plain decisions with both v3 derivatives and correctors added, the card's statistics, and the dpm-solver-v3
    /// preset as the best seed (issue 23).
    /// </summary>
    public static GeneratorContext V3(int nfe, SearchSpace? space = null)
    {
        var plain = Plain(nfe);
        var v3 = PresetCatalog.Create(DpmSolverV3Preset.Name, Vp, nfe, Spacing.LogSnrUniform, ems: Ems);
        return plain with
        {
            Space = space ?? plain.Space with
            {
                Derivatives = [.. plain.Space.Derivatives, DerivativeForm.DpmSolverV3, DerivativeForm.DpmSolverV3Pseudo],
                Correctors = [.. plain.Space.Correctors, CorrectorKind.DpmSolverV3, CorrectorKind.DpmSolverV3Pseudo],
            },
            Ems = Ems,
            Seeds = [TestScores.Scored(v3, 0.5), .. plain.Seeds],
        };
    }

    /// <summary>Fails naming <paramref name="what"/> unless <paramref name="s"/> validates and costs <paramref name="nfe"/>.</summary>
    public static void AssertValid(SamplerSchedule s, int nfe, string what)
    {
        var problems = ScheduleValidator.Problems(s, Vp);
        Assert.True(problems.Count == 0, $"{what}: {string.Join("; ", problems)}");
        Assert.True(s.Nfe == nfe, $"{what}: costs {s.Nfe}, expected {nfe}");
    }

    private static ScoredSchedule[] Seeds(int nfe)
    {
        var result = new List<ScoredSchedule>();
        var score = 1.0;
        foreach (var preset in new[] { "unipc-bh1-3", "dpm-solver++-3m", "dpm-solver++-2s", "dpm-solver-3s", "ddim" })
        {
            SamplerSchedule s;
            try
            {
                s = PresetCatalog.Create(preset, Vp, nfe, Spacing.TimeUniform);
            }
            catch (ArgumentException)
            {
                // A singlestep preset has no schedule at some NFEs (e.g. an order-3 step needs 3 evaluations).
                continue;
            }

            result.Add(TestScores.Scored(s, score));
            score += 0.5;
        }

        return [.. result];
    }

    private static EmsStatistics SmoothStatistics()
    {
        const int dimension = 4;
        var grid = EmsStatistics.Degenerated(Vp, dimension, 1.0, 0.002, 240).Lambda.ToArray();
        var size = grid.Length * dimension;
        var l = new double[size];
        var s = new double[size];
        var b = new double[size];
        for (var j = 0; j < grid.Length; j++)
        {
            var u = (double)j / (grid.Length - 1);
            for (var e = 0; e < dimension; e++)
            {
                // l falls from 1 (pure noise) towards 0.2; s and b small and smooth, different per element.
                l[(j * dimension) + e] = 1.0 - (0.8 * u * u);
                s[(j * dimension) + e] = 0.1 * Math.Sin((3.0 * u) + e);
                b[(j * dimension) + e] = 0.05 * Math.Cos((2.0 * u) - e);
            }
        }

        return new EmsStatistics(grid, l, s, b, dimension);
    }

    private static GaussianMixtureDenoiser SmallModel()
    {
        var rng = new Random(3);
        var mixture = new GaussianMixture(
            [0.5, 0.5],
            [[.. Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() * 4) - 2)], [.. Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() * 4) - 2)]],
            [[.. Enumerable.Range(0, 4).Select(_ => 0.1 + (0.2 * rng.NextDouble()))], [.. Enumerable.Range(0, 4).Select(_ => 0.1 + (0.2 * rng.NextDouble()))]]);
        return new GaussianMixtureDenoiser(mixture, Vp);
    }
}
