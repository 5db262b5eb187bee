using System.Net.Sockets;
using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>What the process driver takes back after an agent restart, and what it refuses to.</summary>
public sealed class ProcessDriverRecoveryTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly List<(ProcessDriver Driver, TaskHandle Handle)> _handles = [];
    private readonly List<ProcessDriver> _drivers = [];

    [Fact]
    public async Task Recover_ReportsRecordedExitCode_WhenTaskEndedWhileAgentWasAway()
    {
        var first = NewDriver();
        var spec = Spec(["/bin/sh", "-c", "echo started; sleep 0.3; exit 7"]);
        var handle = await first.StartAsync(spec, Timeout());
        _handles.Add((first, handle));
        await first.DisposeAsync();
        await first.WaitAsync(handle, Timeout());

        var second = NewDriver();
        var recovered = await second.RecoverAsync(handle.State, Timeout());

        Assert.NotNull(recovered);
        _handles.Add((second, recovered));
        var result = await second.WaitAsync(recovered, Timeout()).WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Recover_ReportsTaskLost_WhenProcessIdNowBelongsToAnotherProcess()
    {
        var first = NewDriver();
        var handle = await first.StartAsync(Spec(["sleep", "300"]), Timeout());
        _handles.Add((first, handle));
        var impostor = handle.State with { ProcessStartTime = handle.State.ProcessStartTime + 1, TaskId = handle.TaskId + "-other" };

        var recovered = await NewDriver().RecoverAsync(impostor, Timeout());

        Assert.Null(recovered);
        Assert.False(first.WaitAsync(handle, CancellationToken.None).IsCompleted, "the real task must not be touched");
    }

    [Fact]
    public async Task Recover_ForwardsSamePortsAgain_AfterDriverRestart()
    {
        var first = NewDriver();
        var spec = Spec(TcpHelper.Serve("WHARF_PORT_HTTP", "still here")) with { Ports = ["http"] };
        var handle = await first.StartAsync(spec, Timeout());
        _handles.Add((first, handle));
        await foreach (var line in first.FollowLogsAsync(handle, Timeout()))
        {
            if (line.Text == "listening")
            {
                break;
            }
        }

        await first.DisposeAsync();
        var second = NewDriver();
        var recovered = await second.RecoverAsync(handle.State, Timeout());
        Assert.NotNull(recovered);
        _handles.Add((second, recovered));

        Assert.Empty(recovered.Warnings);
        using var client = new TcpClient();
        await client.ConnectAsync(recovered.State.PortAddress, recovered.Ports["http"], Timeout());
        using var reader = new StreamReader(client.GetStream());
        Assert.Equal("still here\n", await reader.ReadToEndAsync(Timeout()));
    }

    [Fact]
    public async Task Recover_Refuses_StateOfAnotherDriverKind()
    {
        var state = new TaskHandleState
        {
            TaskId = "x",
            DriverKind = "docker",
            Spec = Spec(["true"]),
        };

        await Assert.ThrowsAsync<ArgumentException>(() => NewDriver().RecoverAsync(state, Timeout()));
    }

    private ProcessDriver NewDriver()
    {
        var driver = new ProcessDriver();
        _drivers.Add(driver);
        return driver;
    }

    private TaskSpec Spec(IReadOnlyList<string> command)
    {
        var jobId = "r" + Guid.NewGuid().ToString("N")[..10];
        return new TaskSpec
        {
            JobId = jobId,
            Command = command,
            WorkingDirectory = _directory.Combine(jobId, "work"),
            LogDirectory = _directory.Combine(jobId, "logs"),
        };
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (driver, handle) in Enumerable.Reverse(_handles))
        {
            await driver.StopAsync(handle, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        _directory.Dispose();
    }
}
