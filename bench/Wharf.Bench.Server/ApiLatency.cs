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
    public static async Task<ApiResult> RunAsync(BenchClient client, int clients, int singleRequests, int bulkRequests)
    {
        // Warm-up: JIT, connection pool, the store's first pages.
        for (var i = 0; i < 200; i++) await client.SubmitAsync(1);
        await client.SubmitAsync(1000);

        var latencies = new double[singleRequests];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < singleRequests)
            {
                var start = Stopwatch.GetTimestamp();
                await client.SubmitAsync(1);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        var singlePerSecond = singleRequests / clock.Elapsed.TotalSeconds;

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

    public static void Print(string store, ApiResult r, int clients)
    {
        Console.WriteLine($"  {store}: single submit ({clients} clients) p50 {F(r.SingleP50Ms, 2)} ms, p99 {F(r.SingleP99Ms, 2)} ms, {F(r.SinglePerSecond)} req/s;"
            + $" bulk 1,000/request {F(r.BulkJobsPerSecond)} jobs/s (request p50 {F(r.BulkRequestP50Ms, 1)} ms)");
        Console.WriteLine($"    goal single p99 <= 10 ms: {(r.SingleP99Ms <= 10 ? "met" : $"MISSED ({F(r.SingleP99Ms / 10, 1)}x over)")}"
            + (store == "SQLite" ? $"; goal bulk >= 20,000 jobs/s: {(r.BulkJobsPerSecond >= 20_000 ? "met" : $"MISSED ({F(r.BulkJobsPerSecond / 20_000 * 100)}% of it)")}" : ""));
    }
}
