using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Wharf.Bench.Server;

/// <summary>What one wrk run measured: its completed requests, those answered with a status of 400 or more, socket errors, and latency.</summary>
internal sealed record WrkResult(long Requests, long BadStatus, long SocketErrors, double Seconds, double P50Ms, double P99Ms, double MaxMs, double CpuSeconds);

/// <summary>
/// Single-job submits from <c>wrk</c> (a load generator in C, Debian's package <c>wrk</c>): a closed loop on each of
/// N connections, each request a new job with a name of its own. It costs ~0.02 ms of CPU a request against ~0.12–0.17
/// for the benchmark's own HttpClient loop; on a 2-core machine whatever the load generator spends is taken from the
/// server it measures, so its latency is the server's, as measured from a second machine, more nearly.
/// </summary>
internal static class WrkLoad
{
    /// <summary>Fails with how to install it when <c>wrk</c> is not on PATH.</summary>
    public static string Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("wrk was not found on PATH: install it (`apt-get install -y wrk`; bench/api.sh does), or pass --client dotnet");

    /// <summary>Runs <paramref name="connections"/> connections on one thread for <paramref name="seconds"/> seconds against <c>POST /api/jobs</c>.</summary>
    /// <remarks>Jobs are named <c>&lt;prefix&gt;&lt;n&gt;</c>, n counting from 1.</remarks>
    public static async Task<WrkResult> RunAsync(string workDirectory, Uri baseAddress, string token, int connections, int seconds, string prefix)
    {
        var script = Path.Combine(workDirectory, "submit.lua");
        await File.WriteAllTextAsync(script, Script(token));
        var info = new ProcessStartInfo(Find())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // One thread: a second one costs more CPU (0.98 against 0.75 s in 4 s) for no more requests on 2 cores.
        foreach (var arg in new[] { "-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "30s", "-s", script, new Uri(baseAddress, "api/jobs").ToString(), "--", prefix })
        {
            info.ArgumentList.Add(arg);
        }

        var childrenBefore = EndToEnd.WaitedChildrenCpuSeconds();
        using var wrk = Process.Start(info)!;
        var stderr = wrk.StandardError.ReadToEndAsync();
        var stdout = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var cpu = EndToEnd.WaitedChildrenCpuSeconds() - childrenBefore;
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("wharf-bench ", StringComparison.Ordinal));
        if (wrk.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"wrk exited with {wrk.ExitCode}: {stdout}{await stderr}");
        }

        var f = line.Split(' ')[1..].Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new WrkResult((long)f[0], (long)f[1], (long)f[2], f[3] / 1e6, f[4] / 1000, f[5] / 1000, f[6] / 1000, cpu);
    }

    /// <summary>
    /// The request is the benchmark client's single submit (<see cref="BenchClient.SubmitAsync"/>), named by the
    /// prefix given after <c>--</c> and a count; <c>done</c> prints one line: requests, statuses ≥ 400, socket errors, duration (µs), and the
    /// latency's p50, p99 and maximum (µs).
    /// </summary>
    private static string Script(string token) => new StringBuilder()
        .AppendLine("local n, prefix = 0, \"w\"")
        .AppendLine("function init(args) prefix = args[1] or prefix end")
        .AppendLine("local headers = { [\"Content-Type\"] = \"application/json\", [\"Authorization\"] = \"Bearer " + token + "\" }")
        .AppendLine("function request()")
        .AppendLine("  n = n + 1")
        .AppendLine("  return wrk.format(\"POST\", nil, headers, '{\"items\":[{\"application\":{\"name\":\"bench-true\",\"version\":\"1.0.0\"},"
            + "\"product\":{\"id\":\"bench\",\"category\":\"bench\",\"provider\":\"bench\"},\"name\":\"' .. prefix .. n .. '\",\"replicas\":1,"
            + "\"allowDuplicateJob\":true,\"parameters\":{}}]}')")
        .AppendLine("end")
        .AppendLine("function done(summary, latency, requests)")
        .AppendLine("  local e = summary.errors")
        .AppendLine("  io.write(string.format(\"wharf-bench %d %d %d %d %d %d %d\\n\", summary.requests, e.status, e.connect + e.read + e.write + e.timeout,")
        .AppendLine("    summary.duration, latency:percentile(50), latency:percentile(99), latency.max))")
        .AppendLine("end")
        .ToString();
}
