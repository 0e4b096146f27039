using System.Diagnostics;
using System.Globalization;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.LiteDb;

// Cache lookup and batched insert of LiteDbScoreStore at 100k stored evaluations (issue 5's aims: lookup under
// 1 ms median, insert at least 5k/s). Usage: ScheduleSearch.Bench.Storage [evaluations=100000] [batch=256] [dir]
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
var directory = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "schedule-search-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Directory.CreateDirectory(directory);
var path = Path.Combine(directory, "bench.db");
foreach (var file in Directory.GetFiles(directory, "bench*"))
{
    File.Delete(file);
}

var schedule = "{\"format\":\"schedule-search/schedule@1\",\"name\":\"bench\",\"nfe\":8,\"time\":\"vp-discrete\",\"timesteps\":[1.0,0.74,0.55,0.41,0.3,0.2,0.12,0.06,0.001],"
    + "\"steps\":[" + string.Join(",", Enumerable.Repeat("{\"method\":\"multistep\",\"order\":2,\"prediction\":\"data\",\"derivative\":\"dpm-solver\",\"corrector\":\"unic\"}", 8)) + "]}";
EvaluationRecord Record(int i) => new()
{
    Key = EvaluationKey.Compute("model-hash", "teacher-rmse n=2048", "seed 0", i.ToString(CultureInfo.InvariantCulture)),
    ScheduleKey = i.ToString("x64", CultureInfo.InvariantCulture),
    ScheduleJson = schedule,
    Nfe = 8,
    Metric = "teacher-rmse",
    Score = 1.0 / (i + 1),
    HeldOutScore = null,
    Fidelity = 2048,
    Status = EvaluationStatus.Ok,
    Duration = TimeSpan.FromMilliseconds(35),
    SearchNames = Environment.GetEnvironmentVariable("BENCH_NOLINK") is null ? ["bench"] : [],
    Generation = i / 100,
    Created = DateTimeOffset.UtcNow,
    DetailsJson = "{\"median\":0.01,\"flip_rate\":0.002}",
};

using (var store = LiteDbScoreStore.Open(path))
{
    store.BeginSearch("bench", "{\"name\":\"bench\"}");
    var insert = Stopwatch.StartNew();
    for (var start = 0; start < total; start += batch)
    {
        store.AddEvaluations([.. Enumerable.Range(start, Math.Min(batch, total - start)).Select(Record)]);
    }

    insert.Stop();
    Report("batched insert", $"{total} evaluations in batches of {batch}: {insert.Elapsed.TotalSeconds:F2} s, {total / insert.Elapsed.TotalSeconds:F0} evaluations/s");

    var random = new Random(1);
    var times = new double[10_000];
    for (var i = 0; i < times.Length; i++)
    {
        var hit = i % 2 == 0;
        var key = hit ? Record(random.Next(total)).Key : EvaluationKey.Compute("model-hash", "teacher-rmse n=2048", "seed 0", "miss" + i.ToString(CultureInfo.InvariantCulture));
        var t = Stopwatch.GetTimestamp();
        var found = store.GetEvaluation(key);
        times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        if ((found is not null) != hit)
        {
            throw new InvalidOperationException("lookup returned the wrong answer");
        }
    }

    Array.Sort(times);
    Report("cache lookup", $"{times.Length} lookups (half hits) at {store.CountEvaluations()} stored: median {times[times.Length / 2]:F4} ms, p99 {times[times.Length * 99 / 100]:F4} ms");

    var keys = Enumerable.Range(0, 256).Select(i => Record(random.Next(total)).Key).ToList();
    var batchLookup = Stopwatch.StartNew();
    for (var i = 0; i < 20; i++)
    {
        store.GetEvaluations(keys);
    }

    Report("batch lookup", $"256 keys: {batchLookup.Elapsed.TotalMilliseconds / 20:F2} ms per batch");
    var insertMore = Stopwatch.StartNew();
    store.AddEvaluations([.. Enumerable.Range(total, batch).Select(Record)]);
    Report("one more batch", $"{batch} evaluations at {total} stored: {insertMore.Elapsed.TotalMilliseconds:F1} ms");
}

var reader = Stopwatch.StartNew();
using (var readOnly = LiteDbScoreStore.OpenReadOnly(path))
{
    var history = readOnly.GetSearchEvaluations("bench");
    Report("reader", $"open read-only and read the whole history ({history.Count}): {reader.Elapsed.TotalSeconds:F2} s; file {new FileInfo(path).Length / 1e6:F1} MB");
}

static void Report(string what, string figures) => Console.WriteLine($"{what,-16} {figures}");
