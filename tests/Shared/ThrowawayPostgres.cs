using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace ScheduleSearch.Tests.Shared;

/// <summary>
/// A PostgreSQL server of the test process's own, so that <c>dotnet test</c> passes on a fresh machine with nothing
/// started first: Debian's <c>initdb</c> and <c>pg_ctl</c> (found under /usr/lib/postgresql/*/bin) make a cluster in
/// a temporary folder and start it on a free loopback port, durability off. <see cref="Shared"/> is the one the
/// Postgres tests share, started on first use and stopped when the test process exits; should the process be killed,
/// a small watchdog shell stops it and deletes the folder. Tests that stop the server (the chaos suite) start one of
/// their own with <see cref="Start"/>. As root, the server runs as the <c>postgres</c> user (initdb refuses root).
/// Without the binaries it throws one message naming the package to install.
/// </summary>
/// <remarks>
/// A lazily started singleton rather than an xunit fixture: xunit 2 has no assembly fixtures, and a collection
/// fixture would put every Postgres test class of an assembly into one collection, run one after another.
/// </remarks>
public sealed class ThrowawayPostgres : IDisposable
{
    /// <summary>The Debian package holding the server programs.</summary>
    public const string Package = "postgresql";

    private const string SuperUser = "postgres";
    private static readonly Lazy<ThrowawayPostgres> SharedServer = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock PasswordGate = new();
    private readonly string bin;
    private readonly string folder;
    private readonly bool asRoot;
    private Process? watchdog;
    private bool disposed;

    private ThrowawayPostgres(string bin, string folder, bool asRoot, int port)
    {
        this.bin = bin;
        this.folder = folder;
        this.asRoot = asRoot;
        Port = port;
    }

    /// <summary>The server the Postgres tests share (started on first use; the same failure for every test when it cannot start).</summary>
    public static ThrowawayPostgres Shared => SharedServer.Value;

    /// <summary>The loopback port the server listens on (kept across <see cref="Restart"/>).</summary>
    public int Port { get; }

    /// <summary>The server's URL as <c>--storage</c> takes it (the password is in PGPASSWORD, set by <see cref="Start"/>).</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"postgresql://{SuperUser}@127.0.0.1:{Port}/postgres");

    /// <summary>
    /// Makes a cluster in a new temporary folder and starts it on a free port. Its password is this process's
    /// PGPASSWORD (set to a random one when unset), so every server the process talks to takes the same one.
    /// </summary>
    public static ThrowawayPostgres Start()
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "the PostgreSQL tests start their own throwaway server but PostgreSQL's initdb and pg_ctl are not under /usr/lib/postgresql/*/bin: "
            + $"install Debian's {Package} package (sudo apt-get install {Package}), or set {PostgresTestServer.Variable} to "
            + "postgresql://user@host:port/db of a server you own, with the password in PGPASSWORD");
        var asRoot = Environment.UserName == "root";
        var folder = Directory.CreateTempSubdirectory("schedule-search-pg.").FullName;
        try
        {
            var passwordFile = Path.Combine(folder, "pwfile");
            File.WriteAllText(passwordFile, ProcessPassword() + "\n");
            if (asRoot)
            {
                Exec("chown", "-R", SuperUser + ":", folder);
            }

            var server = new ThrowawayPostgres(bin, folder, asRoot, FreePort());
            server.Run(Path.Combine(bin, "initdb"), "-D", server.Cluster, "-U", SuperUser, "--pwfile=" + passwordFile, "--no-sync",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8");
            File.Delete(passwordFile);
            server.StartServer();
            server.watchdog = server.StartWatchdog();
            return server;
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>Stops the server at once (as a crash would: <c>pg_ctl stop -m immediate</c>) and starts it again on the same port.</summary>
    public void Restart()
    {
        Stop();
        StartServer();
    }

    /// <summary>Stops the server at once, as a crash would (clients see their connections drop).</summary>
    public void Stop() => Run(Path.Combine(bin, "pg_ctl"), "-D", Cluster, "-m", "immediate", "-w", "stop");

    /// <summary>Starts the stopped server again on the same port.</summary>
    public void StartServer() => Run(Path.Combine(bin, "pg_ctl"), "-D", Cluster, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start", "-o",
        string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB"));

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            if (File.Exists(Path.Combine(Cluster, "postmaster.pid")))
            {
                Stop();
            }
        }
        finally
        {
            DeleteFolder(folder);
            if (watchdog is { HasExited: false })
            {
                watchdog.Kill();
            }

            watchdog?.Dispose();
        }
    }

    private string Cluster => Path.Combine(folder, "cluster");

    private static ThrowawayPostgres StartShared()
    {
        var server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    private static string ProcessPassword()
    {
        lock (PasswordGate)
        {
            var password = Environment.GetEnvironmentVariable("PGPASSWORD");
            if (string.IsNullOrEmpty(password))
            {
                password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
                Environment.SetEnvironmentVariable("PGPASSWORD", password);
            }

            return password;
        }
    }

    private static string? FindBin() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .FirstOrDefault()
        : null;

    // A port the kernel just handed out; another process taking it before the server binds is unlikely enough for tests.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file the stopping server still writes (its log); the folder is under /tmp.
        }
    }

    private static void Exec(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed (exit {process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }

    // initdb and the server refuse to run as root: as root they run as the postgres user the package made.
    private void Run(string program, params string[] args)
    {
        if (asRoot)
        {
            Exec("runuser", ["-u", SuperUser, "--", program, .. args]);
        }
        else
        {
            Exec(program, args);
        }
    }

    // Stops the server and deletes the folder once this process is gone, however it ended.
    private Process StartWatchdog()
    {
        var stop = (asRoot ? $"runuser -u {SuperUser} -- " : string.Empty) + $"'{Path.Combine(bin, "pg_ctl")}' -D '{Cluster}' -m immediate stop";
        var script = string.Create(CultureInfo.InvariantCulture,
            $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; [ -f '{Cluster}/postmaster.pid' ] && {stop}; rm -rf '{folder}'");
        var info = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the server's watchdog");
    }
}
