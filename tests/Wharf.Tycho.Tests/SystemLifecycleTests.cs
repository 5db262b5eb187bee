using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Wharf.Tycho.Tests;

/// <summary>Systems started, watched and deleted through the Tycho door, with real processes.</summary>
public sealed class SystemLifecycleTests(TychoCluster cluster) : IClassFixture<TychoCluster>
{
    [Fact]
    public async Task Start_RunsTheSystemInDependencyOrder_ReportsRealPorts_StatusShowsReady_DeleteStopsEverything()
    {
        var token = await cluster.UserTokenAsync("alice", "lifecycle");
        using var http = cluster.BasicClient(token);

        var (code, reply) = await TychoCalls.PostAsync(http, "start", TychoCalls.StartBody("acme", Systems.DatabaseWebAndJob(), new Dictionary<string, string> { ["GREETING"] = "hello" }));

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.True((string?)reply["status"] == "success", (string?)reply["message"]);
        var result = (JsonObject)reply["result"]!;
        Assert.Equal(["conn_string", "containers", "name", "sid"], result.Select(p => p.Key).Order(StringComparer.Ordinal));
        var sid = (string)result["sid"]!;
        Assert.Matches("^[0-9a-f]{32}$", sid);
        Assert.Equal($"acme-{sid}", (string?)result["name"]);
        Assert.Equal($"Started system acme-{sid}", (string?)reply["message"]);
        var containers = (JsonObject)result["containers"]!;
        Assert.Equal(["db", "web"], containers.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (_, container) in containers)
        {
            Assert.Equal(["ip_address", "port", "port-1"], ((JsonObject)container!).Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal((int)container!["port-1"]!, (int)container["port"]!);
        }

        // The ports are the ones really allocated: the web app answers on its port (once its process listens: start
        // returns when the port is allocated to a running rank), through the database reached by name.
        var web = containers["web"]!;
        Assert.Equal("hello, web sees acme-db", await GetWhenListeningAsync($"http://{(string)web["ip_address"]!}:{(int)web["port-1"]!}/"));
        Assert.Equal("acme-db", await GetWhenListeningAsync($"http://{(string)containers["db"]!["ip_address"]!}:{(int)containers["db"]!["port-1"]!}/"));

        // Start order: db, then web (after db was healthy, or the web app would have exited), then the one-shot.
        var jobs = await JobsByServiceAsync(sid);
        var report = await WaitForAsync(async () => await cluster.Admin.RetrieveJobAsync(jobs["report"], default) is { Status.State: Wharf.Domain.Jobs.JobState.Success } done ? done : null);
        var db = await cluster.Admin.RetrieveJobAsync(jobs["db"], default);
        var webJob = await cluster.Admin.RetrieveJobAsync(jobs["web"], default);
        Assert.Equal(Wharf.Domain.Jobs.JobState.Running, webJob.Status.State);
        Assert.True(db.Status.StartedAt <= webJob.Status.StartedAt && webJob.Status.StartedAt <= report.Status.StartedAt,
            $"start order db {db.Status.StartedAt:O}, web {webJob.Status.StartedAt:O}, report {report.Status.StartedAt:O}");

        // Status: ready once db is healthy, web runs and the one-shot succeeded; only the keys the client accepts.
        var entry = await WaitForAsync(async () =>
        {
            var (_, status) = await TychoCalls.PostAsync(http, "status", new JsonObject { ["name"] = sid, ["username"] = "renci" });
            var entries = TychoCalls.Entries(status);
            return entries.Count == 1 && (bool)entries[0]["is_ready"]! ? entries[0] : null;
        });
        Assert.Equal($"acme-{sid}", (string?)entry["name"]);
        Assert.Equal("acme", (string?)entry["app_id"]);
        Assert.Equal(sid, (string?)entry["sid"]);
        Assert.Equal("renci", (string?)entry["username"]);
        Assert.Equal(["db", "web"], ((JsonObject)entry["utilization"]!).Select(p => p.Key).Order(StringComparer.Ordinal));

        var (_, all) = await TychoCalls.PostAsync(http, "status", new JsonObject { ["username"] = "renci" });
        Assert.Contains(TychoCalls.Entries(all), e => (string?)e["sid"] == sid);
        var (_, otherUser) = await TychoCalls.PostAsync(http, "status", new JsonObject { ["name"] = sid, ["username"] = "someone-else" });
        Assert.Empty(TychoCalls.Entries(otherUser));

        // Delete stops every process: neither port answers any more, and the system is gone from status.
        var (deleteCode, deleted) = await TychoCalls.PostAsync(http, "delete", new JsonObject { ["name"] = sid });
        Assert.Equal(HttpStatusCode.OK, deleteCode);
        Assert.Equal("success", (string?)deleted["status"]);
        Assert.Equal(new JsonObject().ToJsonString(), deleted["result"]!.ToJsonString());
        Assert.Equal($"Deleted system {sid}", (string?)deleted["message"]);
        foreach (var (_, container) in containers)
        {
            await WaitForAsync(async () => await RefusesAsync((string)container!["ip_address"]!, (int)container["port-1"]!) ? "closed" : null);
        }

        var (_, after) = await TychoCalls.PostAsync(http, "status", new JsonObject { ["name"] = sid });
        Assert.Empty(TychoCalls.Entries(after));
    }

    [Fact]
    public async Task Start_WithTheSameIdempotencyKey_GivesTheSameSystem_AndAnotherSystemUnderItIsRefused()
    {
        var token = await cluster.UserTokenAsync("alice", "idempotent");
        using var http = cluster.BasicClient(token);
        var body = TychoCalls.StartBody("www", Systems.OneServer());

        var (_, first) = await TychoCalls.PostAsync(http, "start", body, idempotencyKey: "start-1");
        var (_, second) = await TychoCalls.PostAsync(http, "start", body, idempotencyKey: "start-1");
        var bodyKey = body.DeepClone().AsObject();
        bodyKey["idempotency_key"] = "start-1";
        var (_, third) = await TychoCalls.PostAsync(http, "start", bodyKey);

        Assert.Equal("success", (string?)first["status"]);
        var sid = (string)first["result"]!["sid"]!;
        Assert.Equal(sid, (string?)second["result"]!["sid"]);
        Assert.Equal(sid, (string?)third["result"]!["sid"]);
        Assert.Equal((int)first["result"]!["containers"]!["www"]!["port-1"]!, (int)second["result"]!["containers"]!["www"]!["port-1"]!);
        var (_, status) = await TychoCalls.PostAsync(http, "status", new JsonObject());
        Assert.Single(TychoCalls.Entries(status));

        var (conflictCode, conflict) = await TychoCalls.PostAsync(http, "start", TychoCalls.StartBody("other", Systems.OneServer()), idempotencyKey: "start-1");
        Assert.Equal(HttpStatusCode.Conflict, conflictCode);
        Assert.StartsWith("idempotency_key:", (string?)conflict["message"], StringComparison.Ordinal);

        await TychoCalls.PostAsync(http, "delete", new JsonObject { ["name"] = sid });
    }

    [Fact]
    public async Task Start_OfAServiceThatFailsBeforeItsPortRuns_AnswersError_AndLeavesNothing()
    {
        var token = await cluster.UserTokenAsync("alice", "failing");
        using var http = cluster.BasicClient(token);

        var (code, reply) = await TychoCalls.PostAsync(http, "start", TychoCalls.StartBody("broken", Systems.Failing()));

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Null(reply["result"]);
        Assert.Contains("'www' ended FAILURE", (string?)reply["message"], StringComparison.Ordinal);
        Assert.Contains("deleted", (string?)reply["message"], StringComparison.Ordinal);
        var (_, status) = await TychoCalls.PostAsync(http, "status", new JsonObject());
        Assert.Empty(TychoCalls.Entries(status));
    }

    [Fact]
    public async Task AnotherProjectsSystem_IsInvisible_AndCannotBeDeleted()
    {
        using var alice = cluster.BasicClient(await cluster.UserTokenAsync("alice", "mine"));
        using var bob = cluster.BasicClient(await cluster.UserTokenAsync("bob", "theirs"));
        var (_, started) = await TychoCalls.PostAsync(alice, "start", TychoCalls.StartBody("www", Systems.OneServer()));
        var sid = (string)started["result"]!["sid"]!;

        var (_, byName) = await TychoCalls.PostAsync(bob, "status", new JsonObject { ["name"] = sid });
        var (_, everything) = await TychoCalls.PostAsync(bob, "status", new JsonObject());
        var (_, delete) = await TychoCalls.PostAsync(bob, "delete", new JsonObject { ["name"] = sid });

        Assert.Empty(TychoCalls.Entries(byName));
        Assert.DoesNotContain(TychoCalls.Entries(everything), e => (string?)e["sid"] == sid);
        Assert.Equal("error", (string?)delete["status"]);
        var (_, still) = await TychoCalls.PostAsync(alice, "status", new JsonObject { ["name"] = $"www-{sid}" });
        Assert.Single(TychoCalls.Entries(still));

        // An admin acts in ?project= (default "default").
        using var admin = cluster.BasicClient(cluster.AdminToken);
        var (_, inDefault) = await TychoCalls.PostAsync(admin, "status", new JsonObject { ["name"] = sid });
        var (_, inMine) = await TychoCalls.PostAsync(admin, "status", new JsonObject { ["name"] = sid }, query: "?project=mine");
        Assert.Empty(TychoCalls.Entries(inDefault));
        Assert.Single(TychoCalls.Entries(inMine));

        await TychoCalls.PostAsync(alice, "delete", new JsonObject { ["name"] = sid });
    }

    private async Task<Dictionary<string, string>> JobsByServiceAsync(string sid)
    {
        var group = await cluster.GetNativeAsync($"/api/groups/{sid}", cluster.AdminToken);
        return ((JsonArray)group["components"]!).ToDictionary(c => (string)c!["name"]!, c => (string)c!["jobId"]!);
    }

    private static async Task<string> GetWhenListeningAsync(string url)
    {
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await WaitForAsync(async () =>
        {
            try
            {
                return await plain.GetStringAsync(url);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, seconds: 15);
    }

    private static async Task<bool> RefusesAsync(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, int seconds = 30)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            await Task.Delay(100);
        }
    }
}
