using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (a WebSocket, no library): opens a page, records
/// every network request, uncaught exception and console error, and evaluates script in the page. Used to check that
/// the report renders as a user's browser renders it.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly ClientWebSocket socket = new();
    private readonly TempDirectory profile;
    private readonly List<JsonObject> events = [];
    private string? session;
    private int nextId;

    private HeadlessChromium(Process process, TempDirectory profile, Uri endpoint)
    {
        this.process = process;
        this.profile = profile;
        socket.ConnectAsync(endpoint, CancellationToken.None).Wait(Timeout);
    }

    /// <summary>The browser binary (Debian's package chromium), or null when it is not installed.</summary>
    public static string? Binary => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>URLs of every request the page made (the page itself included).</summary>
    public IReadOnlyList<string> Requests => [.. events.Where(e => (string?)e["method"] == "Network.requestWillBeSent").Select(e => (string)e["params"]!["request"]!["url"]!)];

    /// <summary>Uncaught exceptions and console/log errors, as text.</summary>
    public IReadOnlyList<string> Errors => [.. events.Where(e => (string?)e["method"] switch
    {
        "Runtime.exceptionThrown" => true,
        "Runtime.consoleAPICalled" => (string?)e["params"]!["type"] is "error" or "assert",
        "Log.entryAdded" => (string?)e["params"]!["entry"]!["level"] == "error",
        _ => false,
    }).Select(e => e.ToJsonString())];

    /// <summary>Starts the browser (fails naming the package when it is missing).</summary>
    public static HeadlessChromium Start()
    {
        var binary = Binary ?? throw new InvalidOperationException("Chromium is not installed: apt-get install chromium (.ci/run installs it)");
        var profile = new TempDirectory();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0", "--user-data-dir=" + profile.Path, "about:blank" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        try
        {
            return Connect(process, profile);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            profile.Dispose();
            throw;
        }
    }

    private static HeadlessChromium Connect(Process process, TempDirectory profile)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = process.StandardError.ReadLine() ?? throw new InvalidOperationException("Chromium exited before it listened for DevTools");
            const string marker = "DevTools listening on ";
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                _ = process.StandardError.ReadToEndAsync();
                return new HeadlessChromium(process, profile, new Uri(line[marker.Length..].Trim()));
            }
        }

        throw new TimeoutException("Chromium did not start its DevTools endpoint");
    }

    /// <summary>Opens <paramref name="url"/> in a new tab with network, runtime and log events recorded; returns when it has loaded.</summary>
    public void Open(string url)
    {
        var target = Send("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browser: true);
        var attached = Send("Target.attachToTarget", new JsonObject { ["targetId"] = (string)target["targetId"]!, ["flatten"] = true }, browser: true);
        session = (string)attached["sessionId"]!;
        foreach (var domain in new[] { "Network.enable", "Runtime.enable", "Log.enable", "Page.enable" })
        {
            Send(domain, []);
        }

        Send("Page.navigate", new JsonObject { ["url"] = url });
        WaitFor("Page.loadEventFired");
    }

    /// <summary>The value of a script expression evaluated in the page (returned by value).</summary>
    public JsonNode? Evaluate(string expression)
    {
        var result = Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } details)
        {
            throw new InvalidOperationException("script failed: " + details.ToJsonString());
        }

        return result["result"]!["value"];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        socket.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
        profile.Dispose();
    }

    private JsonObject Send(string method, JsonObject parameters, bool browser = false)
    {
        var id = ++nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (!browser && session is not null)
        {
            message["sessionId"] = session;
        }

        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).Wait(Timeout);
        var reply = Receive(m => (int?)m["id"] == id);
        return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : (JsonObject)reply["result"]!;
    }

    private void WaitFor(string method)
    {
        if (!events.Any(e => (string?)e["method"] == method))
        {
            Receive(m => (string?)m["method"] == method);
        }
    }

    private JsonObject Receive(Func<JsonObject, bool> until)
    {
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = socket.ReceiveAsync(buffer, timeout.Token).GetAwaiter().GetResult();
                text.Write(buffer, 0, part.Count);
            }
            while (!part.EndOfMessage);

            var message = JsonNode.Parse(text.ToArray())!.AsObject();
            if (message["method"] is not null)
            {
                events.Add(message);
            }

            if (until(message))
            {
                return message;
            }
        }
    }
}
