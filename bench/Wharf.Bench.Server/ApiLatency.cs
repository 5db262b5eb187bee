using System.Diagnostics;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>What the API benchmark measured on one store.</summary>
/// <remarks>
/// The CPU figures are per timed single submit, of the server and of the load generator (wrk, or this process's
/// clients), which share the machine's cores.
/// </remarks>
internal sealed record ApiResult(
    double SingleP50Ms, double SingleP99Ms, double SinglePerSecond, long SingleSubmits, double BulkJobsPerSecond, double BulkRequestP50Ms,
    double ServerCpuMsPerSubmit, double ClientCpuMsPerSubmit);

/// <summary>How the single submits are made: by <c>wrk</c> for <see cref="Seconds"/>, or by this process's HttpClient loop, <see cref="Requests"/> of them.</summary>
internal sealed record SingleLoad(bool Wrk, int Clients, int Seconds, int Requests, string WorkDirectory);

/// <summary>
/// Submit latency on a server with no agent and no node (jobs only queue): single-job requests from concurrent
/// clients, then bulk requests of 1,000 items one after another.
/// </summary>
internal static class ApiLatency
{
    private const int WarmUpRequests = 1000;

    private const int WarmUpSeconds = 2;

    private static readonly TimeSpan WarmUpPause = TimeSpan.FromSeconds(3);

    public static async Task<ApiResult> RunAsync(BenchClient client, Func<TimeSpan> serverCpu, SingleLoad load, int bulkRequests)
    {
        // Warm-up: the same concurrent single submits as measured (so group commit's batched path runs too) and two
        // bulk requests, then a pause in which the runtime finishes compiling the code they made hot. Without it the
        // measured submits shared the two cores with the JIT's background compiler, which a server that has run for
        // more than a few seconds no longer has.
        if (load.Wrk)
        {
            await WrkLoad.RunAsync(load.WorkDirectory, client.BaseAddress, client.Token, load.Clients, WarmUpSeconds, "warm");
        }
        else
        {
            await SubmitConcurrentlyAsync(client, load.Clients, WarmUpRequests, new double[WarmUpRequests], new DateTime[WarmUpRequests]);
        }

        await client.SubmitAsync(1000);
        var lastBefore = (await client.SubmitAsync(1000))[^1];
        await Task.Delay(WarmUpPause);

        var serverCpuBefore = serverCpu();
        var single = load.Wrk ? await TimeWrkAsync(client, load) : await TimeHttpClientAsync(client, load);
        var serverCpuMs = (serverCpu() - serverCpuBefore).TotalMilliseconds / single.Submits;

        // Every submit answered must be a job: the ids the server handed out in between count them (wrk stops with up
        // to one request a connection unanswered, which the server may still have taken).
        var firstAfter = (await client.SubmitAsync(1))[0];
        var created = firstAfter - lastBefore - 1;
        if (created < single.Submits || created > single.Submits + load.Clients)
        {
            throw new InvalidOperationException($"{single.Submits} single submits were answered, but the server created {created} jobs meanwhile");
        }

        var bulk = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < bulkRequests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SubmitAsync(1000);
            bulk.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var bulkPerSecond = bulkRequests * 1000 / clock.Elapsed.TotalSeconds;
        return new ApiResult(
            single.P50Ms, single.P99Ms, single.Submits / single.Seconds, single.Submits, bulkPerSecond, Percentile(bulk, 0.5),
            serverCpuMs, single.ClientCpuMs);
    }

    private sealed record TimedSingles(long Submits, double Seconds, double P50Ms, double P99Ms, double ClientCpuMs);

    private static async Task<TimedSingles> TimeWrkAsync(BenchClient client, SingleLoad load)
    {
        var r = await WrkLoad.RunAsync(load.WorkDirectory, client.BaseAddress, client.Token, load.Clients, load.Seconds, "w");
        if (r.BadStatus > 0 || r.SocketErrors > 0)
        {
            throw new InvalidOperationException($"wrk: {r.BadStatus} answers with a status of 400 or more and {r.SocketErrors} socket errors in {r.Requests} requests");
        }

        return new TimedSingles(r.Requests, r.Seconds, r.P50Ms, r.P99Ms, r.CpuSeconds * 1000 / r.Requests);
    }

    private static async Task<TimedSingles> TimeHttpClientAsync(BenchClient client, SingleLoad load)
    {
        var latencies = new double[load.Requests];
        var starts = new DateTime[load.Requests];
        var pausedBefore = GC.GetTotalPauseDuration();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        await SubmitConcurrentlyAsync(client, load.Clients, load.Requests, latencies, starts);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / load.Requests;
        WriteLatencies(starts, latencies, GC.GetTotalPauseDuration() - pausedBefore);
        return new TimedSingles(load.Requests, seconds, Percentile(latencies, 0.5), Percentile(latencies, 0.99), cpuMs);
    }

    /// <summary>
    /// With <c>WHARF_BENCH_LATENCIES</c> set to a file name, writes each timed single submit to it, one a line: when it
    /// was sent (UTC, microseconds since the Unix epoch) and its latency in ms, to line slow requests up with what the
    /// server did at the time; and prints this process's own GC pauses in the phase, which count in every latency too.
    /// </summary>
    private static void WriteLatencies(DateTime[] starts, double[] latencies, TimeSpan clientPauses)
    {
        if (Environment.GetEnvironmentVariable("WHARF_BENCH_LATENCIES") is not { Length: > 0 } path)
        {
            return;
        }

        File.WriteAllLines(path, starts.Select((start, i) =>
            FormattableString.Invariant($"{(start - DateTime.UnixEpoch).Ticks / 10} {latencies[i]:F3}")));
        Console.WriteLine($"    per-request latencies in {path}; the client's own GC pauses in the phase: {F(clientPauses.TotalMilliseconds, 1)} ms");
    }

    /// <summary><paramref name="requests"/> single-job submits from <paramref name="clients"/> concurrent clients; each one's start and latency in ms.</summary>
    private static Task SubmitConcurrentlyAsync(BenchClient client, int clients, int requests, double[] latencies, DateTime[] starts)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                starts[i] = DateTime.UtcNow;
                var start = Stopwatch.GetTimestamp();
                await client.SubmitAsync(1);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
    }

    public static void Print(string store, ApiResult r, SingleLoad load)
    {
        var clients = load.Clients;
        Console.WriteLine($"  {store}: single submit ({clients} clients, {(load.Wrk ? "wrk" : "HttpClient")}, {F(r.SingleSubmits)} timed) p50 {F(r.SingleP50Ms, 2)} ms, p99 {F(r.SingleP99Ms, 2)} ms, {F(r.SinglePerSecond)} req/s;"
            + $" bulk 1,000/request {F(r.BulkJobsPerSecond)} jobs/s (request p50 {F(r.BulkRequestP50Ms, 1)} ms)");
        Console.WriteLine($"    CPU per single submit: {F(r.ServerCpuMsPerSubmit, 3)} ms in the server, {F(r.ClientCpuMsPerSubmit, 3)} ms in the load generator ({(load.Wrk ? "wrk" : "this process")})");
        Console.WriteLine($"    goal single p99 <= 10 ms: {(r.SingleP99Ms <= 10 ? "met" : $"MISSED ({F(r.SingleP99Ms / 10, 1)}x over)")}"
            + (store == "SQLite" ? $"; goal bulk >= 20,000 jobs/s: {(r.BulkJobsPerSecond >= 20_000 ? "met" : $"MISSED ({F(r.BulkJobsPerSecond / 20_000 * 100)}% of it)")}" : ""));
    }
}
