using Wharf.Agent;
using Wharf.Client;
using Wharf.Domain.Agents;
using Wharf.Drivers.Process;

namespace Wharf.Cli.Tests;

/// <summary>
/// A real agent for one test: an <see cref="AgentHost"/> with the process driver (host network, for speed), joined to
/// a <see cref="TestServer"/> with an agent token, declaring one node of a chosen size, its folders under the server's
/// temp folder. Stops its tasks when disposed.
/// </summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private TestAgent(AgentHost host)
    {
        Host = host;
    }

    public AgentHost Host { get; }

    public static async Task<TestAgent> StartAsync(TestServer server, string nodeName = "test-node", double cpu = 2, double memoryInGigs = 4)
    {
        using var admin = server.Admin();
        var token = await admin.CreateTokenAsync(new TokenRequest("agent", nodeName), CancellationToken.None);
        var folder = server.Root.CreateDirectory("agent-" + nodeName);
        var options = new AgentOptions
        {
            ServerUrl = server.Host.BaseAddress,
            AgentToken = token.Token,
            StateDirectory = Path.Combine(folder, "state"),
            DataDirectory = Path.Combine(folder, "data"),
            Drivers = [new ProcessDriver(new ProcessDriverOptions { NetworkIsolation = NetworkIsolationMode.Disabled })],
            Nodes = [new NodeRegistration(nodeName, new NodeResources(cpu, memoryInGigs, 0, 10), Drivers: [ProcessDriver.DriverKind])],
            StopTasksOnExit = true,
            StopGrace = TimeSpan.FromSeconds(1),
        };
        return new TestAgent(await AgentHost.StartAsync(options, CancellationToken.None));
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
