using System.Diagnostics;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>What the API benchmark measured on one store.</summary>
internal sealed record ApiResult(double SingleP50Ms, double SingleP99Ms, double SinglePerSecond, double BulkJobsPerSecond, double BulkRequestP50Ms);

/// <summary>
/// Submit latency on a server with no agent and no node (jobs only queue): single-job requests from concurrent
/// clients, then bulk requests of 1,000 items one after another.
/// </summary>
internal static class ApiLatency
{
    private const int WarmUpRequests = 1000;

    private static readonly TimeSpan WarmUpPause = TimeSpan.FromSeconds(3);

    public static async Task<ApiResult> RunAsync(BenchClient client, int clients, int singleRequests, int bulkRequests)
    {
        // Warm-up: the same concurrent single submits as measured (so group commit's batched path runs too) and two
        // bulk requests, then a pause in which the runtime finishes compiling the code they made hot. Without it the
        // measured submits shared the two cores with the JIT's background compiler, which a server that has run for
        // more than a few seconds no longer has.
        await SubmitConcurrentlyAsync(client, clients, WarmUpRequests, new double[WarmUpRequests], new DateTime[WarmUpRequests]);
        await client.SubmitAsync(1000);
        await client.SubmitAsync(1000);
        await Task.Delay(WarmUpPause);

        var latencies = new double[singleRequests];
        var starts = new DateTime[singleRequests];
        var pausedBefore = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        await SubmitConcurrentlyAsync(client, clients, singleRequests, latencies, starts);
        var singlePerSecond = singleRequests / clock.Elapsed.TotalSeconds;
        WriteLatencies(starts, latencies, GC.GetTotalPauseDuration() - pausedBefore);

        var bulk = new List<double>();
        clock.Restart();
        for (var i = 0; i < bulkRequests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SubmitAsync(1000);
            bulk.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var bulkPerSecond = bulkRequests * 1000 / clock.Elapsed.TotalSeconds;
        return new ApiResult(Percentile(latencies, 0.5), Percentile(latencies, 0.99), singlePerSecond, bulkPerSecond, Percentile(bulk, 0.5));
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

    public static void Print(string store, ApiResult r, int clients)
    {
        Console.WriteLine($"  {store}: single submit ({clients} clients) p50 {F(r.SingleP50Ms, 2)} ms, p99 {F(r.SingleP99Ms, 2)} ms, {F(r.SinglePerSecond)} req/s;"
            + $" bulk 1,000/request {F(r.BulkJobsPerSecond)} jobs/s (request p50 {F(r.BulkRequestP50Ms, 1)} ms)");
        Console.WriteLine($"    goal single p99 <= 10 ms: {(r.SingleP99Ms <= 10 ? "met" : $"MISSED ({F(r.SingleP99Ms / 10, 1)}x over)")}"
            + (store == "SQLite" ? $"; goal bulk >= 20,000 jobs/s: {(r.BulkJobsPerSecond >= 20_000 ? "met" : $"MISSED ({F(r.BulkJobsPerSecond / 20_000 * 100)}% of it)")}" : ""));
    }
}
