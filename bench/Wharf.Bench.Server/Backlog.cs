using System.Diagnostics;
using System.Globalization;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>
/// A standing backlog in one server with no agent: fills it with bulk requests, then measures resident memory,
/// browse/retrieve/submit latency while it stands, and the start-up time of a new server on the same data folder.
/// </summary>
internal static class Backlog
{
    public static async Task RunAsync(string wharfDll, string work, string catalog, int jobs)
    {
        var data = Path.Combine(work, "backlog-data");
        long firstId;
        var server = await WharfProcess.StartAsync(wharfDll, data, catalog, agent: false);
        try
        {
            using var client = await BenchClient.CreateUserAsync(server.BaseAddress, server.AdminToken);
            firstId = (await client.SubmitAsync(1))[0];
            var clock = Stopwatch.StartNew();
            var remaining = jobs - 1;
            var nextReport = 100_000;
            var submitted = 1;
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Add(ref remaining, -1000) > -1000)
                {
                    var n = (await client.SubmitAsync(1000)).Count;
                    var total = Interlocked.Add(ref submitted, n);
                    if (total >= Volatile.Read(ref nextReport))
                    {
                        Interlocked.Add(ref nextReport, 100_000);
                        Console.WriteLine($"  {F(total)} queued, {F(total / clock.Elapsed.TotalSeconds)} jobs/s, server RSS {F(server.ResidentBytes() / 1048576.0)} MiB");
                    }
                }
            })));
            Console.WriteLine($"  filled: {F(submitted)} jobs in {F(clock.Elapsed.TotalSeconds, 1)} s ({F(submitted / clock.Elapsed.TotalSeconds)} jobs/s, 2 clients, 1,000/request)");
            await Task.Delay(5000);
            Console.WriteLine($"  resident memory with the backlog standing: {F(server.ResidentBytes() / 1048576.0)} MiB (goal <= 1,536 MiB)");
            await MeasureAsync(client, firstId, submitted);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var times = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var again = await WharfProcess.StartAsync(wharfDll, data, catalog, agent: false);
            try
            {
                times.Add(again.StartupTime.TotalSeconds);
                await Task.Delay(3000);
                Console.WriteLine($"  restart {run + 1}: ready in {F(again.StartupTime.TotalSeconds, 2)} s, resident {F(again.ResidentBytes() / 1048576.0)} MiB");
                if (run == 0)
                {
                    using var client = await BenchClient.CreateUserAsync(again.BaseAddress, again.AdminToken);
                    await MeasureAsync(client, firstId, jobs);
                }
            }
            finally
            {
                await again.DisposeAsync();
            }
        }

        Console.WriteLine($"  start-up on the backlog: median {F(Percentile(times, 0.5), 2)} s over {times.Count} starts");
    }

    private static async Task MeasureAsync(BenchClient client, long firstId, int jobs)
    {
        async Task<(double P50, double P99)> Time(int count, Func<int, Task> call)
        {
            for (var i = 0; i < 20; i++) await call(i);
            var samples = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await call(i);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return (Percentile(samples, 0.5), Percentile(samples, 0.99));
        }

        string? deepNext = null;
        var results = new (string Name, (double P50, double P99) T)[]
        {
            ("browse first page (50, newest first)", await Time(300, async _ => { using var d = await client.GetAsync("api/jobs/browse?itemsPerPage=50&sortDirection=descending"); })),
            ("browse IN_QUEUE, oldest first", await Time(300, async _ => { using var d = await client.GetAsync("api/jobs/browse?itemsPerPage=50&filterState=IN_QUEUE&sortBy=createdAt&sortDirection=ascending"); })),
            ("browse, walking pages of 1,000", await Time(300, async _ =>
            {
                using var d = await client.GetAsync("api/jobs/browse?itemsPerPage=1000" + (deepNext is null ? "" : "&next=" + Uri.EscapeDataString(deepNext)));
                deepNext = d.RootElement.TryGetProperty("next", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null;
            })),
            ("retrieve a random job", await Time(1000, async _ =>
            {
                var id = firstId + Random.Shared.NextInt64(jobs);
                using var d = await client.GetAsync("api/jobs/retrieve?id=" + id.ToString(CultureInfo.InvariantCulture));
            })),
            ("submit one job", await Time(1000, async _ => await client.SubmitAsync(1))),
        };
        foreach (var (name, t) in results)
        {
            Console.WriteLine($"    {name}: p50 {F(t.P50, 2)} ms, p99 {F(t.P99, 2)} ms {(t.P99 <= 100 ? "(goal met)" : $"(goal p99 <= 100 ms MISSED, {F(t.P99 / 100, 1)}x)")}");
        }
    }
}
