using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Search.Distributed;
using ScheduleSearch.Search.Specs;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>worker --storage postgresql://... --search NAME [--device ...] [--model CARD] [--batch N] [--grace SECONDS]</c>: joins a search started
/// with <c>run SPEC --storage postgresql://...</c>, claims its queued candidates, evaluates them on this
/// machine's device and stores the scores, until the search finishes (see docs/scale-out.md).
/// </summary>
public static class WorkerCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var storage = StorageOption.Create(required: true);
        var search = new Option<string>("--search") { Description = "The search to join (its name, as list shows it)", HelpName = "NAME", Required = true };
        var device = CommonOptions.Device();
        var model = new Option<string?>("--model")
        {
            Description = "The model card on this machine (default: the spec's model path, else the card path the run registered); it must be the same model",
            HelpName = "CARD",
        };
        var batch = new Option<int>("--batch") { Description = "Candidates claimed and evaluated at once", DefaultValueFactory = _ => 1 };
        var grace = GraceOption.Create();
        var tuning = new TuningOptions();
        var command = new Command("worker", "Join a shared search (run --storage postgresql://...) and evaluate its queued candidates on this machine") { storage, search, device, model, batch, grace };
        foreach (var option in tuning.All)
        {
            command.Options.Add(option);
        }

        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var location = StorageOption.Shared(parse.GetValue(storage)!)
                ?? throw new BadInputException("--storage: a worker needs the shared store, postgresql://user@host:port/db");
            var name = parse.GetValue(search)!;
            if (parse.GetValue(batch) < 1)
            {
                throw new BadInputException("--batch: must be at least 1");
            }

            SearchSpec spec;
            string? registered;
            using (var reader = services.OpenSharedStore(location, true))
            {
                var record = reader.GetSearch(name) ?? throw new BadInputException($"--search: no search named '{name}' in {location}; start it with run SPEC --storage {location}");
                spec = StoredSpecs.Parse(record, $"the spec of '{name}'", Directory.GetCurrentDirectory());
                registered = reader.ListModels().OrderByDescending(m => m.Updated).Select(m => m.Path).FirstOrDefault(File.Exists);
            }

            var card = parse.GetValue(model) ?? (File.Exists(spec.ModelPath) ? spec.ModelPath : registered)
                ?? throw new BadInputException($"the model of '{name}' ({spec.ModelPath}) is not on this machine; pass --model CARD");
            using var session = services.OpenSharedSession(card, parse.GetValue(device)!, spec.Metric, location, console, tuning.Settings(parse, spec));
            var worker = new SearchWorker(session.Evaluator, session.Store, session.Store, name, session.Evaluator.Identity,
                GraceOption.ToOptions(parse.GetValue(grace), parse.GetValue(batch)));
            worker.Stored += (_, claim) => console.Log(string.Create(CultureInfo.InvariantCulture,
                $"stored {claim.Candidate.Key[..12]} (generation {claim.Candidate.Generation}{(claim.Attempts > 1 ? ", re-done after a lost claim" : string.Empty)}); {worker.Evaluated} here"));
            console.Log($"worker {worker.WorkerId} joined '{name}' ({location}, device {session.Model.Primary.Device})");
            var result = worker.Run(cancellationToken);
            console.Log(string.Create(CultureInfo.InvariantCulture, $"worker leaves '{name}' ({result.Reason}) after {result.Evaluated} evaluations, {result.Retaken} of them re-done for a lost worker"));
            return result.Reason == "cancelled" ? ExitCodes.Interrupted : ExitCodes.Success;
        });
        return command;
    }
}
