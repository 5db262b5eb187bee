using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>What one end-to-end run measured.</summary>
internal sealed record EndToEndResult(int Jobs, double SubmitPerSecond, double JobsPerSecond, double MakespanSeconds, double LatencyP50Ms, double LatencyP99Ms, int Succeeded);

/// <summary>
/// Trivial jobs through the public API until all have finished, on <c>wharf up</c> with its local agent (process
/// driver): submit throughput, jobs finished per second, makespan, and submit→running latency from each job's
/// <c>status.startedAt</c> against the time its submit request was sent (same clock, same machine).
/// </summary>
internal static class EndToEnd
{
    private const string Active = "IN_QUEUE,RUNNING,SUSPENDED";

    public static async Task<EndToEndResult> RunAsync(BenchClient client, int jobs, int perRequest)
    {
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
        while (true)
        {
            using var page = await client.GetAsync($"api/jobs/browse?itemsPerPage=1&filterState={Active}");
            if (page.RootElement.GetProperty("items").GetArrayLength() == 0) break;
            if (clock.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException("jobs still active after 30 minutes");
            await Task.Delay(10);
        }

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
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), succeeded);
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
                await Task.Delay(1);
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
