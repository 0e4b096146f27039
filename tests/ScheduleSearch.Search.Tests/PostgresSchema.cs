using Npgsql;
using ScheduleSearch.Storage.Postgres;

namespace ScheduleSearch.Search.Tests;

/// <summary>A fresh schema on the test server named by SCHEDULE_SEARCH_TEST_POSTGRES (see .ci/postgres-up), dropped on dispose.</summary>
internal sealed class PostgresSchema : IDisposable
{
    public PostgresSchema()
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

    public PostgresLocation Location { get; }

    public void Dispose()
    {
        using var source = NpgsqlDataSource.Create(Location.InSchema(null).ConnectionString("schedule-search tests"));
        using var connection = source.OpenConnection();
        using var drop = new NpgsqlCommand("DROP SCHEMA IF EXISTS " + Location.Schema + " CASCADE", connection);
        drop.ExecuteNonQuery();
    }
}
