using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>
/// What one end-to-end run measured; the CPU figures are per job, of the <c>wharf up</c> process (server and agent) and
/// of the processes it waited for (the driver's programs and the jobs), over the run.
/// </summary>
internal sealed record EndToEndResult(int Jobs, double SubmitPerSecond, double JobsPerSecond, double MakespanSeconds, double LatencyP50Ms, double LatencyP99Ms, int Succeeded,
    double ServerCpuMsPerJob = 0, double ChildCpuMsPerJob = 0);

/// <summary>
/// Trivial jobs through the public API until all have finished, on <c>wharf up</c> with its local agent (process
/// driver): submit throughput, jobs finished per second, makespan, and submit→running latency from each job's
/// <c>status.startedAt</c> against the time its submit request was sent (same clock, same machine).
/// </summary>
internal static class EndToEnd
{
    private const string Active = "IN_QUEUE,RUNNING,SUSPENDED";

    public static async Task<EndToEndResult> RunAsync(BenchClient client, int jobs, int perRequest, int serverPid = 0)
    {
        var cpuBefore = CpuSeconds(serverPid);
        var submittedAt = new Dictionary<long, double>(jobs);
        var clock = Stopwatch.StartNew();
        var firstSubmit = NowMsPrecise();
        for (var done = 0; done < jobs; done += perRequest)
        {
            var sentAt = NowMsPrecise();
            foreach (var id in await client.SubmitAsync(Math.Min(perRequest, jobs - done)))
            {
                submittedAt[id] = sentAt;
            }
        }

        var submitSeconds = clock.Elapsed.TotalSeconds;
        // Every 100 ms, as the Slurm side's squeue: the makespan comes from the jobs' own timestamps, so how often
        // the waiting client looks changes only the load it puts on the server.
        while (true)
        {
            using var page = await client.GetAsync($"api/jobs/browse?itemsPerPage=1&filterState={Active}");
            if (page.RootElement.GetProperty("items").GetArrayLength() == 0) break;
            if (clock.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException("jobs still active after 30 minutes");
            await Task.Delay(100);
        }

        var cpuAfter = CpuSeconds(serverPid);

        var latencies = new List<double>(jobs);
        double lastFinish = 0;
        var succeeded = 0;
        await foreach (var job in BrowseAllAsync(client))
        {
            var id = long.Parse(job.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);
            if (!submittedAt.TryGetValue(id, out var sent)) continue;
            var status = job.GetProperty("status");
            if (status.GetProperty("state").GetString() == "SUCCESS") succeeded++;
            if (status.TryGetProperty("startedAt", out var started) && started.ValueKind == JsonValueKind.Number)
            {
                latencies.Add(started.GetInt64() - sent);
            }

            foreach (var update in job.GetProperty("updates").EnumerateArray())
            {
                lastFinish = Math.Max(lastFinish, update.GetProperty("timestamp").GetInt64());
            }
        }

        var makespan = (lastFinish - firstSubmit) / 1000;
        return new EndToEndResult(jobs, jobs / submitSeconds, jobs / makespan, makespan,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), succeeded,
            (cpuAfter.Own - cpuBefore.Own) * 1000 / jobs, (cpuAfter.Children - cpuBefore.Children) * 1000 / jobs);
    }

    /// <summary>
    /// CPU seconds (user + system) of a process, and of its children: those it has waited for, and those still running
    /// with what they have waited for (the driver's task launcher is such a child: it waits for the tasks' supervisors,
    /// which wait for the jobs). From <c>/proc/&lt;pid&gt;/stat</c> (fields 14–17, in clock ticks of 1/100 s); zeros when
    /// there is no such process. Unlike wall time, these stay meaningful when other work shares the cores.
    /// </summary>
    public static (double Own, double Children) CpuSeconds(int pid)
    {
        if (pid <= 0 || Stat(pid) is not { } own) return (0, 0);
        var children = own.Waited;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var other)
                && Stat(other) is { } child && child.Parent == pid)
            {
                children += child.Own + child.Waited;
            }
        }

        return (own.Own, children);
    }

    /// <summary>CPU seconds of the children this process has waited for (a load generator that has exited, say).</summary>
    public static double WaitedChildrenCpuSeconds() => Stat(Environment.ProcessId)?.Waited ?? 0;

    private static (int Parent, double Own, double Waited)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture) / 100.0;
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), Field(14) + Field(15), Field(16) + Field(17));
    }

    /// <summary>One job at a time on an idle system, after a random pause: submit→running, from status.startedAt.</summary>
    public static async Task<List<double>> LoneJobsAsync(BenchClient client, int samples)
    {
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(Random.Shared.Next(300, 1000));
            var sent = NowMsPrecise();
            var id = (await client.SubmitAsync(1))[0];
            while (true)
            {
                using var job = await client.GetAsync($"api/jobs/retrieve?id={id}");
                var status = job.RootElement.GetProperty("status");
                if (status.TryGetProperty("startedAt", out var started) && started.ValueKind == JsonValueKind.Number)
                {
                    latencies.Add(started.GetInt64() - sent);
                    break;
                }

                if (NowMsPrecise() - sent > 60_000) throw new TimeoutException($"job {id} did not start in 60 s");
                // startedAt is the server's own record, so how often it is asked does not change the figure; asking
                // every millisecond only took the cores from the start being measured.
                await Task.Delay(25);
            }
        }

        // Let the last one finish before the server is stopped.
        await Task.Delay(500);
        return latencies;
    }

    public static async IAsyncEnumerable<JsonElement> BrowseAllAsync(BenchClient client)
    {
        string? next = null;
        do
        {
            var query = "api/jobs/browse?itemsPerPage=1000&sortBy=createdAt&sortDirection=ascending" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next));
            using var page = await client.GetAsync(query);
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                yield return item.Clone();
            }

            next = page.RootElement.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        }
        while (next is not null);
    }
}
