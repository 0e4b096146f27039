using ScheduleSearch.Storage.LiteDb;
using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests;

/// <summary>Moving searches between the laptop's LiteDB file and the cluster's PostgreSQL.</summary>
public sealed class ScoreStoreCopyTests : IDisposable
{
    private readonly PostgresTestServer server = new();
    private readonly TempDirectory directory = new();

    [Fact]
    public void A_search_copied_from_litedb_to_postgres_and_back_has_identical_evaluations_history_and_counts()
    {
        var model = new ModelRecord { ContentHash = "abc", Path = "/m/model.json", CardJson = "{}", Updated = Records.Epoch };
        using (var laptop = LiteDbScoreStore.Open(directory.File("a.db")))
        {
            laptop.SaveModel(model);
            laptop.BeginSearch("a", "{\"a\":1}", "{\"key\":\"context\"}");
            laptop.BeginSearch("b", "{\"b\":1}");
            laptop.AddEvaluations([.. Enumerable.Range(0, 7).Select(i => Records.Evaluation(i, "a", status: i == 4 ? EvaluationStatus.Diverged : EvaluationStatus.Ok))]);
            laptop.AddEvaluations([Records.Evaluation(20, "b")]);
            laptop.AddCacheHits("b", [Records.Evaluation(3).Key, Records.Evaluation(1).Key]);
            laptop.AddEvaluations([Records.Evaluation(21, "b")]);
            laptop.EndSearch("a", SearchStatus.Finished);
        }

        using (var laptop = LiteDbScoreStore.OpenReadOnly(directory.File("a.db")))
        using (var cluster = PostgresScoreStore.Open(server.Location))
        {
            Assert.Equal(new CopyResult(2, 9, 11), ScoreStoreCopy.Copy(laptop, cluster));
            Assert.Equal(new CopyResult(2, 0, 0), ScoreStoreCopy.Copy(laptop, cluster));
        }

        using (var cluster = PostgresScoreStore.OpenReadOnly(server.Location))
        using (var back = LiteDbScoreStore.Open(directory.File("b.db")))
        {
            ScoreStoreCopy.Copy(cluster, back);
        }

        using var original = LiteDbScoreStore.OpenReadOnly(directory.File("a.db"));
        using var copy = LiteDbScoreStore.OpenReadOnly(directory.File("b.db"));
        foreach (var name in new[] { "a", "b" })
        {
            Assert.Equal(original.GetSearchEvaluations(name), copy.GetSearchEvaluations(name));
            var (o, c) = (original.GetSearch(name)!, copy.GetSearch(name)!);
            Assert.Equal((o.SpecJson, o.KeyContextJson, o.Evaluations, o.CacheHits, o.Diverged), (c.SpecJson, c.KeyContextJson, c.Evaluations, c.CacheHits, c.Diverged));
        }

        Assert.Equal(SearchStatus.Finished, copy.GetSearch("a")!.Status);
        Assert.Equal("{\"key\":\"context\"}", copy.GetSearch("a")!.KeyContextJson);
        Assert.Equal(model, Assert.Single(copy.ListModels()));
    }

    public void Dispose()
    {
        server.Dispose();
        directory.Dispose();
    }
}
