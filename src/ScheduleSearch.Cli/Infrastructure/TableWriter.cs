using Spectre.Console;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>Tables: Spectre.Console on a terminal, aligned plain text otherwise (logs and pipes).</summary>
public static class TableWriter
{
    /// <summary>Writes a titled table of string cells.</summary>
    public static void Write(CliOutput output, string title, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        if (output.Interactive)
        {
            var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header)));
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            return;
        }

        output.Out.WriteLine(title);
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.Out.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            output.Out.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }
}
