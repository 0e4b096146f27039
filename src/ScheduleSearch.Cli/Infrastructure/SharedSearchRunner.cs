using System.Globalization;
using ScheduleSearch.Cli.Progress;
using ScheduleSearch.Search.Distributed;
using ScheduleSearch.Search.Running;
using ScheduleSearch.Search.Specs;
using ScheduleSearch.Storage;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// <c>run SPEC --storage postgresql://...</c>: the proposer of a shared search. It runs the search exactly as one
/// process would, but its evaluator queues each batch for the workers (<see cref="QueuedEvaluator"/>) and helps
/// evaluate while it waits; the budget is counted in the database.
/// </summary>
public static class SharedSearchRunner
{
    /// <summary>
    /// Runs or resumes the search with the claim timing <paramref name="options"/> and the local evaluator's
    /// <paramref name="settings"/>, the session from <paramref name="services"/>; returns the exit code.
    /// </summary>
    public static int Run(CliServices services, SearchSpec spec, string specPath, PostgresLocation location, string device, DistributedOptions options, SessionSettings settings, CliOutput console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(services);
        using var session = services.OpenSharedSession(spec.ModelPath, device, spec.Metric, location, console, settings);
        var resumed = session.Store.CountSearchEvaluations(spec.Name);
        console.Log(string.Create(CultureInfo.InvariantCulture,
            $"{(resumed > 0 ? "resuming" : "starting")} shared search '{spec.Name}' at {resumed} of {spec.Budget.Evaluations} evaluations ({location}, device {session.Model.Primary.Device})"));
        console.Log($"workers join with: schedule-search worker --storage {location} --search {ShellQuote.Quote(spec.Name)}");
        var evaluator = new QueuedEvaluator(session.Evaluator, session.Store, session.Store, session.Evaluator.Identity, spec.Budget.Evaluations, options);
        var run = new SearchRun(SpecOnModel.ForModel(spec, session.Model.Card.Name, [.. session.Model.Variants.Keys], session.Model.Statistics, session.Model.Ems, session.Model.Card.Schedule.OwnSpacing), evaluator, session.Store, session.Model.Primary.Schedule, new SearchRunOptions { Model = session.Model.Primary, Ems = session.Model.Ems, Identity = session.Evaluator.Identity, MeasureCallTimes = CallTimesMeasurer.For(session.Model, spec) });
        var result = SearchProgressDisplay.Run(run, spec, console, cancellationToken);
        ResultTable.Write(console, result, session.Evaluator.Metric);
        if (result.Status == SearchStatus.Interrupted)
        {
            console.Log(string.Create(CultureInfo.InvariantCulture, $"interrupted after {result.Evaluations} evaluations; resume with: schedule-search run {ShellQuote.Quote(specPath)} --storage {location}"));
            return ExitCodes.Interrupted;
        }

        console.Log(string.Create(CultureInfo.InvariantCulture, $"finished '{spec.Name}' ({result.StopReason}) after {result.Evaluations} evaluations, {evaluator.EvaluatedHere} of them here"));
        return ExitCodes.Success;
    }
}
