using System.Net;
using Wharf.Client;

namespace Wharf.Cli.Tests;

/// <summary>
/// The server's in-memory handler (what the local agent of <c>wharf up</c> talks through) goes through the same
/// pipeline as the network: the same authentication, the same projects, the same jobs.
/// </summary>
public sealed class InProcessHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task InMemoryRequests_SeeWhatTheNetworkSees_AndAreAuthenticatedTheSameWay()
    {
        await using var server = await TestServer.StartAsync();
        var token = await server.UserTokenAsync("alice", "p1");
        using var memory = new HttpClient(server.Host.CreateInProcessHandler()) { BaseAddress = server.Host.BaseAddress };
        using var inMemory = new WharfClient(memory, token);
        using var network = server.As(token);

        var ids = await inMemory.CreateJobsAsync([TestServer.Demo("through memory")], null, None);
        var seen = await network.RetrieveJobAsync(ids[0], None);
        Assert.Equal(("through memory", "alice", "p1"), (seen.Specification.Name, seen.Owner.CreatedBy, seen.Owner.Project));

        var otherProject = await server.UserTokenAsync("bob", "p2");
        using var bob = new WharfClient(memory, otherProject);
        var hidden = await Assert.ThrowsAsync<WharfApiException>(() => bob.RetrieveJobAsync(ids[0], None));
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);

        using var anonymous = new WharfClient(memory);
        var refused = await Assert.ThrowsAsync<WharfApiException>(() => anonymous.RetrieveJobAsync(ids[0], None));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }
}
