using ScheduleSearch.Storage;

namespace ScheduleSearch.Storage.Tests.Support;

/// <summary>Evaluation and reference records for tests.</summary>
public static class Records
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    public static EvaluationRecord Evaluation(int i, string search = "s", double? score = null, EvaluationStatus status = EvaluationStatus.Ok) => new()
    {
        Key = EvaluationKey.Compute("model", "teacher-rmse", "seed 0", "schedule " + i),
        ScheduleKey = "sk" + i,
        ScheduleJson = "{\"format\":\"schedule-search/schedule@1\",\"i\":" + i + "}",
        Nfe = 4 + (i % 5),
        Metric = "teacher-rmse",
        Score = score ?? (status == EvaluationStatus.Ok ? 0.01 * (i + 1) : double.PositiveInfinity),
        HeldOutScore = i % 2 == 0 ? 0.02 * (i + 1) : null,
        Fidelity = 1024,
        Status = status,
        Duration = TimeSpan.FromTicks(12_345 + i),
        SearchNames = search.Length == 0 ? [] : [search],
        Generation = i / 10,
        Created = Epoch.AddTicks(i * 7),
        DetailsJson = i % 3 == 0 ? "{\"median\":0.5,\"flip_rate\":0.01}" : null,
    };

    public static ReferenceArray Reference(string name, int samples = 3, int dims = 4) => new()
    {
        Name = name,
        Shape = [samples, dims],
        Data = [.. Enumerable.Range(0, samples * dims).Select(i => Math.Sin(i) * 1e3)],
        Accuracy = 1.5e-7,
        Created = Epoch,
        DescriptionJson = "{\"teacher\":\"dpm-solver++-3m\",\"steps\":500}",
    };
}
