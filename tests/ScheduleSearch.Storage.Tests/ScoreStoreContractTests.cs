using ScheduleSearch.Storage.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Storage.Tests;

/// <summary>The <see cref="IScoreStore"/> contract; every backend derives a class that says how to make one.</summary>
public abstract class ScoreStoreContractTests
{
    protected ManualClock Clock { get; } = new(Records.Epoch);

    protected ScoreStoreOptions Options => new() { Clock = Clock, HeartbeatTimeout = TimeSpan.FromMinutes(2), LockWait = TimeSpan.FromMilliseconds(100) };

    protected abstract IScoreStore CreateStore();

    [Fact]
    public void A_new_search_is_running_owned_by_this_process_with_an_empty_history()
    {
        using var store = CreateStore();
        var search = store.BeginSearch("s", "{\"name\":\"s\"}");
        Assert.Equal(SearchStatus.Running, search.Status);
        Assert.Equal(ProcessIdentity.Current, search.Owner);
        Assert.Equal(Records.Epoch, search.Created);
        Assert.Equal(0, search.Evaluations);
        Assert.Equal(search, store.GetSearch("s"));
        Assert.Null(store.GetSearch("other"));
    }

    [Fact]
    public void Beginning_an_existing_search_with_another_spec_is_refused()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{\"a\":1}");
        var ex = Assert.Throws<ScoreStoreException>(() => store.BeginSearch("s", "{\"a\":2}"));
        Assert.Contains("'s'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_keeps_its_key_context_until_a_later_begin_gives_another()
    {
        using var store = CreateStore();
        Assert.Null(store.BeginSearch("old", "{}").KeyContextJson);
        Assert.Equal("{\"k\":1}", store.BeginSearch("s", "{}", "{\"k\":1}").KeyContextJson);
        store.EndSearch("s", SearchStatus.Interrupted);
        Assert.Equal("{\"k\":1}", store.BeginSearch("s", "{}").KeyContextJson);
        Assert.Equal("{\"k\":2}", store.BeginSearch("s", "{}", "{\"k\":2}").KeyContextJson);
        Assert.Equal("{\"k\":2}", store.ListSearches().Single(x => x.Name == "s").KeyContextJson);
        Assert.Null(store.GetSearch("old")!.KeyContextJson);
    }

    [Fact]
    public void An_evaluation_keeps_the_generator_that_proposed_it_and_one_stored_without_reads_as_none()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        var proposed = Records.Evaluation(1) with { Generator = "composite/evolutionary" };
        store.AddEvaluations([proposed, Records.Evaluation(2)]);
        var history = store.GetSearchEvaluations("s");
        Assert.Equal([proposed, Records.Evaluation(2)], history);
        Assert.Equal("composite/evolutionary", history[0].Generator);
        Assert.Null(history[1].Generator);
        Assert.Equal("composite/evolutionary", store.GetEvaluation(proposed.Key)!.Generator);
    }

    [Fact]
    public void Resuming_a_search_keeps_its_creation_time_and_history()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        store.AddEvaluations([Records.Evaluation(1)]);
        store.EndSearch("s", SearchStatus.Interrupted);
        Clock.Advance(TimeSpan.FromHours(1));
        var resumed = store.BeginSearch("s", "{}");
        Assert.Equal(SearchStatus.Running, resumed.Status);
        Assert.Equal(Records.Epoch, resumed.Created);
        Assert.Equal(Records.Epoch.AddHours(1), resumed.Updated);
        Assert.Equal(1, resumed.Evaluations);
    }

    [Fact]
    public void Evaluations_come_back_exactly_as_stored_including_infinite_scores_and_missing_fields()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        var records = Enumerable.Range(0, 6).Select(i => Records.Evaluation(i, status: i == 5 ? EvaluationStatus.Diverged : EvaluationStatus.Ok)).ToList();
        Assert.Equal(6, store.AddEvaluations(records));
        foreach (var record in records)
        {
            Assert.Equal(record, store.GetEvaluation(record.Key));
        }

        Assert.True(double.IsPositiveInfinity(store.GetEvaluation(records[5].Key)!.Score));
        Assert.Null(store.GetEvaluation("missing"));
    }

    [Fact]
    public void Inserting_an_existing_key_keeps_the_first_record()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        var first = Records.Evaluation(1);
        var second = first with { Score = 99, Fidelity = 2048 };
        Assert.Equal(1, store.AddEvaluations([first, second]));
        Assert.Equal(0, store.AddEvaluations([second]));
        Assert.Equal(first, store.GetEvaluation(first.Key));
        Assert.Equal(1, store.CountEvaluations());
        Assert.Equal(1, store.CountSearchEvaluations("s"));
    }

    [Fact]
    public void Batch_lookup_returns_only_the_stored_keys()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        var records = Enumerable.Range(0, 10).Select(i => Records.Evaluation(i)).ToList();
        store.AddEvaluations(records);
        var found = store.GetEvaluations([records[2].Key, "missing", records[7].Key, records[2].Key]);
        Assert.Equal(2, found.Count);
        Assert.Equal(records[7], found[records[7].Key]);
    }

    [Fact]
    public void A_search_history_is_in_insertion_order_and_counts_cache_hits_and_divergences()
    {
        using var store = CreateStore();
        store.BeginSearch("a", "{}");
        store.BeginSearch("b", "{}");
        var a = Enumerable.Range(0, 5).Select(i => Records.Evaluation(i, "a", status: i == 3 ? EvaluationStatus.Diverged : EvaluationStatus.Ok)).ToList();
        store.AddEvaluations(a.Take(3).Reverse().ToList());
        store.AddEvaluations(a.Skip(3).ToList());
        Assert.Equal(2, store.AddCacheHits("b", [a[4].Key, a[3].Key, a[4].Key]));
        store.AddEvaluations([Records.Evaluation(9, "b"), a[0] with { SearchNames = ["b"] }]);

        Assert.Equal([a[2], a[1], a[0], a[3], a[4]], store.GetSearchEvaluations("a"));
        Assert.Equal([a[4].Key, a[3].Key, Records.Evaluation(9).Key, a[0].Key], store.GetSearchEvaluations("b").Select(e => e.Key));
        var b = store.GetSearch("b")!;
        Assert.Equal((4, 3, 1), (b.Evaluations, b.CacheHits, b.Diverged));
        Assert.Equal(5, store.CountSearchEvaluations("a"));
        Assert.Equal(0, store.CountSearchEvaluations("unknown"));
        Assert.Equal(6, store.CountEvaluations());
    }

    [Fact]
    public void A_batch_naming_a_search_never_begun_stores_nothing()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        Assert.Throws<KeyNotFoundException>(() => store.AddEvaluations([Records.Evaluation(1, "s"), Records.Evaluation(2, "nobody")]));
        Assert.Equal(0, store.CountEvaluations());
        Assert.Equal(0, store.CountSearchEvaluations("s"));
    }

    [Fact]
    public void A_cancelled_batch_stores_nothing()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => store.AddEvaluations([Records.Evaluation(1)], cancelled.Token));
        Assert.Equal(0, store.CountEvaluations());
    }

    [Fact]
    public void A_running_search_without_a_recent_heartbeat_reads_as_interrupted()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        Clock.Advance(TimeSpan.FromMinutes(1));
        store.Heartbeat("s");
        Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(SearchStatus.Running, store.GetSearch("s")!.Status);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SearchStatus.Interrupted, store.GetSearch("s")!.Status);
        Assert.Equal(SearchStatus.Interrupted, Assert.Single(store.ListSearches()).Status);
        store.Heartbeat("s");
        Assert.Equal(SearchStatus.Running, store.GetSearch("s")!.Status);
    }

    [Fact]
    public void An_ended_search_keeps_its_final_status_whatever_the_heartbeat()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        store.EndSearch("s", SearchStatus.Finished);
        Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(SearchStatus.Finished, store.GetSearch("s")!.Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.EndSearch("s", SearchStatus.Running));
        Assert.Throws<KeyNotFoundException>(() => store.Heartbeat("unknown"));
    }

    [Fact]
    public void Searches_are_listed_oldest_first()
    {
        using var store = CreateStore();
        store.BeginSearch("z", "{}");
        Clock.Advance(TimeSpan.FromSeconds(1));
        store.BeginSearch("a", "{}");
        Assert.Equal(["z", "a"], store.ListSearches().Select(s => s.Name));
    }

    [Fact]
    public void A_reference_comes_back_with_its_shape_values_and_accuracy_and_the_first_one_is_kept()
    {
        using var store = CreateStore();
        var reference = Records.Reference("teacher", samples: 300, dims: 64);
        Assert.True(store.AddReference(reference));
        Assert.False(store.AddReference(Records.Reference("teacher", samples: 1, dims: 1)));
        Assert.Equal(reference, store.GetReference("teacher"));
        Assert.Null(store.GetReference("missing"));
        Assert.Throws<ArgumentException>(() => store.AddReference(reference with { Name = "bad", Shape = [7, 7] }));
    }

    [Fact]
    public void Models_are_saved_by_content_hash_and_a_new_path_replaces_the_old()
    {
        using var store = CreateStore();
        var model = new ModelRecord { ContentHash = "abc", Path = "/m/a/model.json", CardJson = "{}", Updated = Records.Epoch };
        store.SaveModel(model);
        store.SaveModel(model with { Path = "/m/b/model.json" });
        store.SaveModel(model with { ContentHash = "def" });
        Assert.Equal("/m/b/model.json", store.GetModel("abc")!.Path);
        Assert.Equal(["abc", "def"], store.ListModels().Select(m => m.ContentHash).Order(StringComparer.Ordinal));
        Assert.Null(store.GetModel("nope"));
    }

    [Fact]
    public void Concurrent_batches_from_many_threads_lose_nothing_and_duplicate_nothing()
    {
        using var store = CreateStore();
        store.BeginSearch("s", "{}");
        Parallel.For(0, 8, t => store.AddEvaluations([.. Enumerable.Range(0, 50).Select(i => Records.Evaluation((t * 25) + i))]));
        Assert.Equal(225, store.CountEvaluations());
        Assert.Equal(225, store.CountSearchEvaluations("s"));
        Assert.Equal(225, store.GetSearchEvaluations("s").Select(e => e.Key).Distinct().Count());
    }
}
