using Npgsql;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Cli.Tests;

/// <summary>
/// A fresh schema on the test server named by SCHEDULE_SEARCH_TEST_POSTGRES (see .ci/postgres-up), dropped on
/// dispose; its <see cref="Url"/> is what a user passes to <c>--storage</c>.
/// </summary>
public sealed class PostgresTestSchema : IDisposable
{
    /// <summary>Creates the name of a fresh schema; fails with how to start the server when the variable is unset.</summary>
    public PostgresTestSchema()
    {
        var url = Environment.GetEnvironmentVariable("SCHEDULE_SEARCH_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                "SCHEDULE_SEARCH_TEST_POSTGRES is not set: start a throwaway server with `eval \"$(.ci/postgres-up)\"` (as root), "
                + "or set it to postgresql://user@host:port/db of a server you own, with the password in PGPASSWORD");
        }

        Location = PostgresLocation.Parse(url).InSchema("t_" + Guid.NewGuid().ToString("N")[..20]);
    }

    /// <summary>The schema's location.</summary>
    public PostgresLocation Location { get; }

    /// <summary>The <c>--storage</c> URL of the schema.</summary>
    public string Url => Location.ToString();

    /// <summary>The password of the test server (from PGPASSWORD), so tests can check that it is never printed.</summary>
    public static string? Password => Environment.GetEnvironmentVariable("PGPASSWORD");

    /// <summary>Runs a scalar query in the schema (or in the server's default schema when it does not exist yet).</summary>
    public T Scalar<T>(string sql, params (string Name, object Value)[] parameters)
    {
        using var source = NpgsqlDataSource.Create(Location.ConnectionString("schedule-search tests"));
        using var connection = source.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)command.ExecuteScalar()!;
    }

    /// <summary>True when the schema exists on the server (anything wrote to it).</summary>
    public bool Exists() => Scalar<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = @s)", ("s", Location.Schema!));

    /// <inheritdoc />
    public void Dispose()
    {
        using var source = NpgsqlDataSource.Create(Location.InSchema(null).ConnectionString("schedule-search tests"));
        using var connection = source.OpenConnection();
        using var drop = new NpgsqlCommand("DROP SCHEMA IF EXISTS " + Location.Schema + " CASCADE", connection);
        drop.ExecuteNonQuery();
    }
}
