using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScheduleSearch.Cli.Infrastructure;
using ScheduleSearch.Cli.Reports;
using ScheduleSearch.Storage;

namespace ScheduleSearch.Cli.Commands;

/// <summary>
/// <c>list [--db PATH | --storage litedb:PATH|postgresql://...] [--json]</c>: every search in the database (default: every
/// db/*.db) or the shared store, with status and evaluations. A damaged database is listed as damaged (its error on
/// stderr) and the others still are; the exit code is 2 when every database listed is damaged.
/// </summary>
public static class ListCommand
{
    /// <summary>Builds the command; what it opens comes from <paramref name="services"/>.</summary>
    public static Command Create(CliServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = CommonOptions.Database();
        var storage = StorageOption.Create();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the searches: status, evaluations, last update (every db/*.db unless --db is given)") { database, storage, json };
        CommandActions.Set(command, (parse, console, cancellationToken) =>
        {
            var rows = new List<(SearchRecord Search, string Path)>();
            var damaged = new List<string>();
            var listed = 0;
            foreach (var (open, path) in services.OpenForListing(parse.GetValue(database), parse.GetValue(storage)))
            {
                listed++;
                try
                {
                    using var store = open();
                    rows.AddRange(store.ListSearches(cancellationToken).Select(s => (s, path)));
                }
                catch (DatabaseDamagedException e)
                {
                    damaged.Add(path);
                    console.Error.WriteLine("error: " + ErrorReporter.OneLine(e));
                }
            }

            var code = damaged.Count > 0 && damaged.Count == listed ? ExitCodes.BadInput : ExitCodes.Success;

            if (parse.GetValue(json))
            {
                using var stream = new MemoryStream();
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    w.WriteStartArray();
                    foreach (var (s, path) in rows)
                    {
                        w.WriteStartObject();
                        w.WriteString("search", s.Name);
                        w.WriteString("status", SummaryJson.Status(s.Status));
                        w.WriteNumber("evaluations", s.Evaluations);
                        w.WriteString("updated", s.Updated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                        w.WriteString("database", path);
                        w.WriteEndObject();
                    }

                    foreach (var path in damaged)
                    {
                        w.WriteStartObject();
                        w.WriteNull("search");
                        w.WriteString("status", "damaged");
                        w.WriteString("database", path);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                console.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
                return code;
            }

            TableWriter.Write(console, rows.Count == 0 && damaged.Count == 0 ? "no searches yet (run: schedule-search run searches/quickstart.search.json)" : "searches",
                ["search", "status", "evaluations", "cache hits", "diverged", "updated (UTC)", "database"],
                rows.Select(r => new[]
                {
                    r.Search.Name, SummaryJson.Status(r.Search.Status), Numbers.Int(r.Search.Evaluations), Numbers.Int(r.Search.CacheHits),
                    Numbers.Int(r.Search.Diverged), r.Search.Updated.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), r.Path,
                }).Concat(damaged.Select(path => new[] { "-", "DAMAGED (see db check)", "-", "-", "-", "-", path })).ToList());
            return code;
        });
        return command;
    }
}
