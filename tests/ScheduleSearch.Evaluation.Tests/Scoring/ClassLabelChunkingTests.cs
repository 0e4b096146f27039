using ScheduleSearch.Core.Denoising;
using ScheduleSearch.Core.Noise;
using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;
using ScheduleSearch.Storage;
using Xunit;

namespace ScheduleSearch.Evaluation.Tests.Scoring;

/// <summary>
/// A class-conditional model gives sample i the class f(i): the teacher's batches and the candidates' single run must
/// agree on it, or a guided search compares samples of different classes.
/// </summary>
public sealed class ClassLabelChunkingTests
{
    private const int Size = 3;

    [Fact]
    public void The_teacher_gives_sample_i_the_same_label_whatever_batch_it_is_in()
    {
        var model = new LabelledDenoiser(VpDiscreteSchedule.Linear());
        var noise = NoiseSet.Create(new NoiseSpec(7, 11), Size);
        var schedule = TeacherReferences.Schedule(model, new TeacherSpec { Nfe = 8 });

        var whole = TeacherReferences.Solve(model, schedule, noise, new TeacherRunOptions { Batch = 256 });
        var inThrees = TeacherReferences.Solve(model, schedule, noise, new TeacherRunOptions { Batch = 3, DegreeOfParallelism = 2 });

        Assert.Equal(whole, inThrees);
    }

    [Fact]
    public void A_candidate_equal_to_a_teacher_run_in_small_batches_scores_zero()
    {
        var model = new LabelledDenoiser(VpDiscreteSchedule.Linear());
        var spec = new MetricSpec { Kind = "teacher-rmse", Samples = 10, HeldOutSamples = 10, Teacher = new TeacherSpec { Nfe = 8 } };
        using var store = new InMemoryScoreStore();
        var evaluator = new ScheduleEvaluator(model, "labelled", spec, store, new ScheduleEvaluatorOptions { TeacherBatch = 4, VerifyTeacher = false });

        var score = evaluator.Evaluate([TeacherReferences.Schedule(model, spec.Teacher)], new EvaluationRequest())[0].Score;

        Assert.Equal(0.0, score);
    }

    [Fact]
    public void Rows_of_a_view_from_sample_k_predict_what_rows_k_onwards_of_the_whole_call_predict()
    {
        var model = new LabelledDenoiser(VpDiscreteSchedule.Linear());
        var x = Enumerable.Range(0, 7 * Size).Select(i => 0.1 * i).ToArray();
        var (x0, eps) = (new double[x.Length], new double[x.Length]);
        var (tailX0, tailEps) = (new double[4 * Size], new double[4 * Size]);

        model.Predict(x, 7, 0.5, x0, eps);
        model.FromSample(3).Predict(x.AsSpan(3 * Size), 4, 0.5, tailX0, tailEps);

        Assert.Equal(x0[(3 * Size)..], tailX0);
        Assert.Equal(eps[(3 * Size)..], tailEps);
    }

    /// <summary>x0 = 0.01 x + 0.1 (class of the sample), the class of sample i being i mod 10.</summary>
    private sealed class LabelledDenoiser(NoiseSchedule schedule, int first = 0)
        : ParameterizedDenoiser(schedule, Size, Parameterization.X0), ISampleIndexedDenoiser
    {
        public IDenoiser FromSample(int firstSample) => new LabelledDenoiser(Schedule, first + firstSample);

        protected override void Evaluate(ReadOnlySpan<double> x, int batch, double t, Span<double> output)
        {
            for (var r = 0; r < batch; r++)
            {
                for (var j = 0; j < Size; j++)
                {
                    output[(r * Size) + j] = (0.01 * x[(r * Size) + j]) + (0.1 * ((first + r) % 10));
                }
            }
        }
    }
}
