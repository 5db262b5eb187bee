using System.Net;
using Wharf.Client;
using Wharf.Domain.Jobs;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests;

/// <summary>The typed client the CLI and agents use, against the real server: the two agree on every shape.</summary>
public sealed class TypedClientTests
{
    [Fact]
    public async Task TypedClient_RoundTripsJobsTokensAndCatalog()
    {
        await using var server = await WharfTestServer.StartAsync();
        using var admin = new WharfClient(server.Host.BaseAddress, server.AdminToken);
        var issued = await admin.CreateTokenAsync(new TokenRequest("user", "frank", "project-f"), CancellationToken.None);
        using var user = new WharfClient(server.Host.BaseAddress, issued.Token);
        var ct = CancellationToken.None;

        Assert.Equal(new CallerIdentity("frank", "project-f", "user"), await user.WhoAmIAsync(ct));
        await admin.RegisterApplicationYamlAsync("name: sleeper\nversion: '1'\ncommand: [sleep, '1']\n", ct);
        Assert.Contains(await user.ListApplicationsAsync(ct), a => a.Name == "sleeper");

        var spec = new JobSpecification
        {
            Application = new NameAndVersion("sleeper", "1"),
            Product = new ProductReference("example-compute", "example-compute", "example"),
            TimeAllocation = new SimpleDuration(0, 10, 0),
        };
        var ids = await user.CreateJobsAsync([spec], "key-1", ct);
        Assert.Equal(ids, await user.CreateJobsAsync([spec], "key-1", ct));

        await user.ExtendAsync(ids[0], new SimpleDuration(0, 5, 0), ct);
        var job = await user.RetrieveJobAsync(ids[0], ct);
        Assert.Equal(new SimpleDuration(0, 15, 0), job.Status.TimeAllocation);
        Assert.Equal(new Owner("frank", "project-f"), job.Owner);

        var refused = await Assert.ThrowsAsync<WharfApiException>(() => user.SuspendAsync(ids, ct));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("invalid_transition", refused.Code);
        Assert.Equal("items[0]", Assert.Single(refused.Errors).Field);

        await user.TerminateAsync(ids, ct);
        var all = new List<Job>();
        await foreach (var each in user.BrowseAllJobsAsync(new JobBrowseQuery(), ct))
        {
            all.Add(each);
        }

        Assert.Equal(JobState.Success, Assert.Single(all).Status.State);
        await admin.RevokeTokenAsync(issued.Id, ct);
        var unauthorized = await Assert.ThrowsAsync<WharfApiException>(() => user.WhoAmIAsync(ct));
        Assert.Equal("unauthorized", unauthorized.Code);
    }
}
