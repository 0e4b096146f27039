using ScheduleSearch.Core.Schedules;
using ScheduleSearch.Evaluation;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Search.Tests.Support;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Search.Tests.Running;

/// <summary>A running search keeps its heartbeat while one long computation (a teacher, a batch on a large model) runs.</summary>
public sealed class SearchHeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static SearchSpec Spec() => SearchSpec.Parse("""
        {
          "format": "schedule-search/search@1", "name": "beating", "model": "m/model.json", "nfe": [3],
          "metric": { "kind": "teacher-rmse", "samples": 48 },
          "strategy": { "kind": "default", "population": 6, "seed": 0 },
          "budget": { "evaluations": 12 },
          "baselines": ["ddim"], "baseline_spacings": ["time-uniform"]
        }
        """, "beating.search.json", "/tmp");

    [Fact]
    public void The_heartbeat_goes_on_during_a_batch_longer_than_the_store_timeout_and_stops_with_the_search()
    {
        // Time moves only by hand and the run's timer fires as it passes, so the test does not depend on the machine's load.
        var clock = new TimerClock();
        var store = new InMemoryScoreStore(new ScoreStoreOptions { Clock = clock, HeartbeatTimeout = Timeout });
        var exact = new ExactGmmEvaluator(store);
        var statuses = new List<SearchStatus>();
        var slow = new FirstBatchWatched(exact, () =>
        {
            // The first batch lasts five store timeouts; the search reads as running throughout.
            for (var i = 0; i < 60; i++)
            {
                clock.Advance(Interval);
                statuses.Add(store.GetSearch("beating")!.Status);
            }
        });

        var result = new SearchRun(Spec(), slow, store, exact.Noise, new SearchRunOptions { SkipHeldOut = true, Clock = clock, HeartbeatInterval = Interval }).Run();

        Assert.Equal(SearchStatus.Finished, result.Status);
        Assert.True(statuses.All(s => s == SearchStatus.Running), string.Join(" ", statuses));
        var ended = store.GetSearch("beating")!.Heartbeat;
        clock.Advance(Timeout * 2);
        Assert.Equal(ended, store.GetSearch("beating")!.Heartbeat);
        Assert.Equal(SearchStatus.Finished, store.GetSearch("beating")!.Status);
        Assert.Equal(0, clock.LiveTimers);
    }

    [Fact]
    public void Without_a_beat_the_store_calls_a_running_search_interrupted_after_its_timeout()
    {
        var clock = new TimerClock();
        var store = new InMemoryScoreStore(new ScoreStoreOptions { Clock = clock, HeartbeatTimeout = Timeout });
        store.BeginSearch("beating", "{}");
        clock.Advance(Timeout + Interval);
        Assert.Equal(SearchStatus.Interrupted, store.GetSearch("beating")!.Status);
    }

    private sealed class FirstBatchWatched(IScheduleEvaluator inner, Action during) : IScheduleEvaluator
    {
        private Action? first = during;

        public string Metric => inner.Metric;

        public IReadOnlyList<ScoredSchedule> Evaluate(IReadOnlyList<SamplerSchedule> candidates, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Exchange(ref first, null)?.Invoke();
            return inner.Evaluate(candidates, request, cancellationToken);
        }
    }

    /// <summary>A clock moved by hand whose timers fire, on the caller's thread, as <see cref="Advance"/> passes them.</summary>
    private sealed class TimerClock : TimeProvider
    {
        private readonly List<ManualTimer> timers = [];
        private DateTimeOffset now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

        public int LiveTimers => timers.Count(t => !t.Disposed);

        public override DateTimeOffset GetUtcNow() => now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state, now + dueTime, period);
            timers.Add(timer);
            return timer;
        }

        public void Advance(TimeSpan by)
        {
            now += by;
            foreach (var timer in timers.ToList())
            {
                timer.FireUntil(now);
            }
        }

        private sealed class ManualTimer(TimerCallback callback, object? state, DateTimeOffset due, TimeSpan period) : ITimer
        {
            private DateTimeOffset next = due;

            public bool Disposed { get; private set; }

            public void FireUntil(DateTimeOffset now)
            {
                while (!Disposed && next <= now)
                {
                    callback(state);
                    next += period;
                }
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

            public void Dispose() => Disposed = true;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
