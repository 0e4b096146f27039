using System.Globalization;
using Npgsql;

namespace ScheduleSearch.Storage.Postgres;

/// <summary>
/// Where a shared store lives: <c>postgresql://user@host:port/database[?schema=NAME]</c>. The URL never holds the
/// password: Npgsql reads it from <c>PGPASSWORD</c> or <c>~/.pgpass</c> (<c>PGPASSFILE</c>), so it appears neither
/// on command lines nor in logs. <see cref="ToString"/> is the URL as given, safe to print.
/// </summary>
public sealed record PostgresLocation
{
    /// <summary>The URL schemes accepted.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["postgresql", "postgres"];

    /// <summary>The user name.</summary>
    public required string User { get; init; }

    /// <summary>The server's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The server's port (5432 when the URL names none).</summary>
    public required int Port { get; init; }

    /// <summary>The database.</summary>
    public required string Database { get; init; }

    /// <summary>The schema holding the tables (letters, digits and underscores), or null for the user's default (public).</summary>
    public string? Schema { get; init; }

    /// <summary>True when <paramref name="text"/> starts with a PostgreSQL URL scheme.</summary>
    public static bool IsUrl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Schemes.Any(s => text.StartsWith(s + "://", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Parses <paramref name="url"/>; throws <see cref="ScoreStoreException"/> with a one-line reason for anything
    /// else, and for a URL that carries a password (it belongs in PGPASSWORD or ~/.pgpass).
    /// </summary>
    public static PostgresLocation Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new ScoreStoreException($"'{Redact(url)}' is not a PostgreSQL URL; write postgresql://user@host:port/database");
        }

        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        if (userInfo.Contains(':', StringComparison.Ordinal))
        {
            throw new ScoreStoreException($"{Redact(url)}: the URL holds a password; remove it and set PGPASSWORD or a ~/.pgpass line instead");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new ScoreStoreException($"{url}: name one database after the port, e.g. postgresql://user@host:5432/schedules");
        }

        string? schema = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && parts[0] == "schema" && IsPlainName(parts[1]))
            {
                schema = parts[1];
            }
            else
            {
                throw new ScoreStoreException($"{url}: unknown or bad query parameter '{pair}'; only schema=NAME (lower-case letters, digits, _) is understood");
            }
        }

        return new PostgresLocation
        {
            User = userInfo.Length == 0 ? Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName : userInfo,
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
            Schema = schema,
        };
    }

    /// <summary>True for names usable unquoted as a schema: lower-case ASCII letters, digits and underscores, not starting with a digit.</summary>
    public static bool IsPlainName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length is > 0 and <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
    }

    /// <summary>This location in another schema.</summary>
    public PostgresLocation InSchema(string? schema) =>
        schema is null || IsPlainName(schema) ? this with { Schema = schema } : throw new ArgumentException($"schema '{schema}' is not a plain lower-case name", nameof(schema));

    /// <summary>The Npgsql connection string (no password: Npgsql takes it from PGPASSWORD or the pgpass file).</summary>
    public string ConnectionString(string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Database,
            Username = User,
            ApplicationName = applicationName,
            Timeout = 10,
            IncludeErrorDetail = false,
        };
        if (Schema is not null)
        {
            builder.SearchPath = Schema;
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL, without any password: safe for messages and logs.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"postgresql://{Uri.EscapeDataString(User)}@{Host}:{Port}/{Uri.EscapeDataString(Database)}{(Schema is null ? string.Empty : "?schema=" + Schema)}");

    /// <summary>The text with anything between "://" and "@" cut, so a password typed into a URL is never echoed.</summary>
    private static string Redact(string text)
    {
        var start = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return start >= 0 && at > start ? text[..(start + 3)] + "***" + text[at..] : text;
    }
}
