using Npgsql;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// The PostgreSQL server the tests use: the URL in <see cref="Variable"/> when set (a server you own, with the
/// password in PGPASSWORD), else the test process's own throwaway server (<see cref="ThrowawayPostgres.Shared"/>,
/// which fails with the package to install when PostgreSQL's programs are missing). Each test gets a fresh schema,
/// dropped when it ends. One file, compiled into every test project that needs the server.
/// </summary>
public sealed class PostgresTestServer : IDisposable
{
    /// <summary>The environment variable holding the URL of a server to use instead of a throwaway one.</summary>
    public const string Variable = "SCHEDULE_SEARCH_TEST_POSTGRES";

    public PostgresTestServer()
        : this(Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url : ThrowawayPostgres.Shared.Url)
    {
    }

    /// <summary>A fresh schema on the server at <paramref name="url"/> (a test's own <see cref="ThrowawayPostgres"/>).</summary>
    public PostgresTestServer(string url)
    {
        Server = PostgresLocation.Parse(url);
        Location = Server.InSchema("t_" + Guid.NewGuid().ToString("N")[..20]);
    }

    /// <summary>The server's database, default schema.</summary>
    public PostgresLocation Server { get; }

    /// <summary>This test's own schema on it.</summary>
    public PostgresLocation Location { get; }

    /// <summary>Another fresh schema on the same server (dropped with this one).</summary>
    public PostgresLocation Another(string suffix) => Location with { Schema = Location.Schema + "_" + suffix };

    /// <summary>Runs SQL on the server as the test user (to set up damaged or foreign databases).</summary>
    public void Execute(string sql)
    {
        using var source = NpgsqlDataSource.Create(Server.ConnectionString("schedule-search tests"));
        using var connection = source.OpenConnection();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a scalar query in this test's schema (or the server's default schema when it does not exist yet).</summary>
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

    /// <summary>Drops this test's schemas.</summary>
    public void Dispose()
    {
        using var source = NpgsqlDataSource.Create(Server.ConnectionString("schedule-search tests"));
        using var connection = source.OpenConnection();
        using var find = new NpgsqlCommand("SELECT nspname FROM pg_namespace WHERE nspname LIKE @p", connection);
        find.Parameters.AddWithValue("p", Location.Schema + "%");
        var schemas = new List<string>();
        using (var reader = find.ExecuteReader())
        {
            while (reader.Read())
            {
                schemas.Add(reader.GetString(0));
            }
        }

        foreach (var schema in schemas)
        {
            using var drop = new NpgsqlCommand("DROP SCHEMA " + schema + " CASCADE", connection);
            drop.ExecuteNonQuery();
        }
    }
}
