using ScheduleSearch.Storage.Postgres;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>
/// A fresh schema on the test server (<see cref="PostgresTestServer"/>), dropped on dispose; its <see cref="Url"/> is
/// what a user passes to <c>--storage</c>.
/// </summary>
public sealed class PostgresTestSchema : IDisposable
{
    private readonly PostgresTestServer server;

    /// <summary>A fresh schema on the tests' shared server.</summary>
    public PostgresTestSchema()
        : this(new PostgresTestServer())
    {
    }

    /// <summary>A fresh schema on the server at <paramref name="url"/> (a test's own <see cref="ThrowawayPostgres"/>).</summary>
    public PostgresTestSchema(string url)
        : this(new PostgresTestServer(url))
    {
    }

    private PostgresTestSchema(PostgresTestServer server) => this.server = server;

    /// <summary>The schema's location.</summary>
    public PostgresLocation Location => server.Location;

    /// <summary>The <c>--storage</c> URL of the schema.</summary>
    public string Url => Location.ToString();

    /// <summary>The password of the test server (from PGPASSWORD), so tests can check that it is never printed.</summary>
    public static string? Password => Environment.GetEnvironmentVariable("PGPASSWORD");

    /// <summary>Runs a scalar query in the schema (or in the server's default schema when it does not exist yet).</summary>
    public T Scalar<T>(string sql, params (string Name, object Value)[] parameters) => server.Scalar<T>(sql, parameters);

    /// <summary>True when the schema exists on the server (anything wrote to it).</summary>
    public bool Exists() => Scalar<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = @s)", ("s", Location.Schema!));

    /// <inheritdoc />
    public void Dispose() => server.Dispose();
}
