using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Wharf.Bench.Server;

/// <summary>
/// One Wharf server run as its own process from a Release build of the CLI (<c>dotnet wharf.dll up|server …</c>) on a
/// loopback port, its output kept in a log file; knows its start-up time and resident memory.
/// </summary>
internal sealed partial class WharfProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private WharfProcess(Process process, StreamWriter log, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public int Pid => _process.Id;

    /// <summary>From the process start to the first 200 of <c>/readyz</c>.</summary>
    public TimeSpan StartupTime { get; private set; }

    public string AdminToken => File.ReadAllText(Path.Combine(DataDirectory, "admin.token")).Trim();

    /// <summary>Starts <c>wharf up</c> (SQLite) or, with a connection string, <c>wharf server --postgres</c>.</summary>
    public static async Task<WharfProcess> StartAsync(
        string wharfDll, string dataDirectory, string catalogDirectory, bool agent, string? postgres = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(wharfDll);
        if (postgres is null)
        {
            info.ArgumentList.Add("up");
            if (!agent) info.ArgumentList.Add("--no-agent");
        }
        else
        {
            info.ArgumentList.Add("server");
            info.ArgumentList.Add("--postgres");
            info.ArgumentList.Add(postgres);
        }

        foreach (var arg in new[] { "--data", dataDirectory, "--listen", $"127.0.0.1:{port}", "--catalog", catalogDirectory })
        {
            info.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(Path.Combine(Path.GetDirectoryName(dataDirectory.TrimEnd('/'))!, $"server-{port}.log")) { AutoFlush = true };
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new WharfProcess(process, log, new Uri($"http://127.0.0.1:{port}/"), dataDirectory);
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode}; see its log next to {dataDirectory}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("readyz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("the server did not become ready in 10 minutes");
            await Task.Delay(5);
        }

        server.StartupTime = clock.Elapsed;
        return server;
    }

    /// <summary>VmRSS of the server process, in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>CPU time the server process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: a graceful stop, so the local agent stops its jobs and removes their namespaces.
            _ = Kill(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
