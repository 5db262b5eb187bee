using System.Diagnostics;
using System.Text.Json;
using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// The behaviour every driver must show (Nomad's DriverHarness). Each driver has a subclass that turns the scenarios
/// below into something it runs (a shell command, a fake's config) and says how to look at its processes.
/// </summary>
public abstract class DriverConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly List<IDriver> _drivers = [];
    private readonly List<(IDriver Driver, TaskHandle Handle)> _started = [];

    protected TestDirectory Directory { get; } = new();

    /// <summary>The job ids this test made up, so that whatever they left behind can be found.</summary>
    protected List<string> JobIds { get; } = [];

    // ---- what each driver supplies ----

    protected abstract IDriver CreateDriverCore();

    /// <summary>A task that exits at once with the code.</summary>
    protected abstract TaskSpec Exiting(TaskSpec spec, int exitCode);

    /// <summary>A task that writes these lines to stdout and stderr, then exits 0.</summary>
    protected abstract TaskSpec Printing(TaskSpec spec, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr);

    /// <summary>A task that writes <c>NAME=value</c> for each variable to stdout, then exits 0.</summary>
    protected abstract TaskSpec PrintingEnvironment(TaskSpec spec, IReadOnlyList<string> names);

    /// <summary>A task that writes <c>started</c>, then runs until stopped; if asked, it ignores the polite signal.</summary>
    protected abstract TaskSpec RunningUntilStopped(TaskSpec spec, bool ignoringStop);

    /// <summary>A task whose child has a grandchild; writes <c>started</c> once both run.</summary>
    protected abstract TaskSpec RunningWithGrandchild(TaskSpec spec);

    /// <summary>A task the driver cannot start.</summary>
    protected abstract TaskSpec FailingToStart(TaskSpec spec);

    /// <summary>The task's processes as the machine sees them (leader, child, grandchild where there are).</summary>
    protected abstract IReadOnlyList<int> ProcessesOf(TaskHandle handle);

    protected abstract bool IsAlive(int pid);

    /// <summary>Ends every process of the task without its driver knowing, leaving no exit code behind.</summary>
    protected abstract void KillBehindDriversBack(TaskHandle handle);

    // ---- the behaviour ----

    [Fact]
    public async Task Wait_ReportsExitCodeZero_WhenTaskSucceeds()
    {
        var driver = CreateDriver();
        var handle = await StartAsync(driver, Exiting(NewSpec(), 0));

        var result = await driver.WaitAsync(handle, Timeout());

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Successful);
    }

    [Fact]
    public async Task Wait_ReportsExitCodeThree_WhenTaskFailsWithThree()
    {
        var driver = CreateDriver();
        var handle = await StartAsync(driver, Exiting(NewSpec(), 3));

        var result = await driver.WaitAsync(handle, Timeout());

        Assert.Equal(3, result.ExitCode);
        Assert.Null(result.Signal);
        Assert.False(result.Successful);
    }

    [Fact]
    public async Task Start_Throws_WhenTaskCannotStart()
    {
        var driver = CreateDriver();

        var error = await Assert.ThrowsAsync<TaskStartException>(() => driver.StartAsync(FailingToStart(NewSpec()), Timeout()));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task Start_GivesRankReplicasJobPortsAndPeersInEnvironment()
    {
        var driver = CreateDriver();
        var spec = NewSpec(rank: 1, replicas: 2) with
        {
            Ports = ["http"],
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello there" },
            Peers = new Dictionary<string, TaskPeer>
            {
                ["database"] = new() { JobId = "elsewhere", Address = "127.0.0.1", Ports = new Dictionary<string, int> { ["db"] = 5432 } },
            },
        };
        string[] names = ["WHARF_JOB_ID", "WHARF_RANK", "WHARF_REPLICAS", "WHARF_PORT_HTTP", "WHARF_PEER_DATABASE_HOST", "WHARF_PEER_DATABASE_PORT_DB", "GREETING"];
        var handle = await StartAsync(driver, PrintingEnvironment(spec, names));
        await driver.WaitAsync(handle, Timeout());

        var printed = File.ReadAllLines(TaskLogFiles.StdoutPath(spec.LogDirectory))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(spec.JobId, printed["WHARF_JOB_ID"]);
        Assert.Equal("1", printed["WHARF_RANK"]);
        Assert.Equal("2", printed["WHARF_REPLICAS"]);
        Assert.Equal(handle.Ports["http"].ToString(System.Globalization.CultureInfo.InvariantCulture), printed["WHARF_PORT_HTTP"]);
        Assert.True(handle.Ports["http"] > 0);
        Assert.Equal(driver.Capabilities.PeerHostnames ? "database" : "127.0.0.1", printed["WHARF_PEER_DATABASE_HOST"]);
        Assert.Equal("5432", printed["WHARF_PEER_DATABASE_PORT_DB"]);
        Assert.Equal("hello there", printed["GREETING"]);
    }

    [Fact]
    public async Task Stop_EndsWholeProcessTree_ChildAndGrandchildIncluded()
    {
        var driver = CreateDriver();
        var handle = await StartAsync(driver, RunningWithGrandchild(NewSpec()));
        await WaitForLineAsync(driver, handle, "started");
        var processes = ProcessesOf(handle);
        Assert.True(processes.Count >= 3, $"expected a leader, a child and a grandchild, got {processes.Count}");
        Assert.All(processes, pid => Assert.True(IsAlive(pid), $"process {pid} should run before the stop"));

        await driver.StopAsync(handle, TimeSpan.FromSeconds(5), Timeout());

        Assert.All(processes, pid => Assert.False(IsAlive(pid), $"process {pid} survived the stop"));
        var result = await driver.WaitAsync(handle, Timeout());
        Assert.Equal(15, result.Signal);
    }

    [Fact]
    public async Task Stop_KillsAfterGracePeriod_WhenTaskIgnoresPoliteSignal()
    {
        var driver = CreateDriver();
        var handle = await StartAsync(driver, RunningUntilStopped(NewSpec(), ignoringStop: true));
        await WaitForLineAsync(driver, handle, "started");
        var grace = TimeSpan.FromMilliseconds(600);

        var clock = Stopwatch.StartNew();
        await driver.StopAsync(handle, grace, Timeout());
        clock.Stop();

        Assert.True(clock.Elapsed >= grace - TimeSpan.FromMilliseconds(50), $"stopped after {clock.Elapsed}, before the grace period");
        Assert.True(clock.Elapsed < grace + TimeSpan.FromSeconds(5), $"stop took {clock.Elapsed}");
        var result = await driver.WaitAsync(handle, Timeout());
        Assert.Equal(9, result.Signal);
        Assert.All(ProcessesOf(handle), pid => Assert.False(IsAlive(pid)));
    }

    [Fact]
    public async Task Stop_EndsPromptly_WhenTaskHeedsPoliteSignal()
    {
        var driver = CreateDriver();
        var handle = await StartAsync(driver, RunningUntilStopped(NewSpec(), ignoringStop: false));
        await WaitForLineAsync(driver, handle, "started");

        var clock = Stopwatch.StartNew();
        await driver.StopAsync(handle, TimeSpan.FromSeconds(30), Timeout());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stop took {clock.Elapsed}");
        Assert.Equal(15, (await driver.WaitAsync(handle, Timeout())).Signal);
        await driver.StopAsync(handle, TimeSpan.FromSeconds(1), Timeout());
    }

    [Fact]
    public async Task Logs_AreCapturedFromFirstLine_InFilesAndForEverySubscriber()
    {
        var driver = CreateDriver();
        var spec = Printing(NewSpec(), ["first", "second", "third"], ["oops"]);
        var handle = await StartAsync(driver, spec);
        var early = CollectAsync(driver, handle);
        await driver.WaitAsync(handle, Timeout());
        var late = await CollectAsync(driver, handle);

        foreach (var lines in new[] { await early, late })
        {
            Assert.Equal(["first", "second", "third"], lines.Where(l => l.Stream == TaskLogStream.Stdout).Select(l => l.Text));
            Assert.Equal(["oops"], lines.Where(l => l.Stream == TaskLogStream.Stderr).Select(l => l.Text));
            Assert.Equal(0, lines.First(l => l.Stream == TaskLogStream.Stdout).Offset);
        }

        Assert.Equal("first\nsecond\nthird\n", await File.ReadAllTextAsync(TaskLogFiles.StdoutPath(spec.LogDirectory)));
        Assert.Equal("oops\n", await File.ReadAllTextAsync(TaskLogFiles.StderrPath(spec.LogDirectory)));
    }

    [Fact]
    public async Task Recover_TakesBackRunningTask_AfterDriverRestart()
    {
        var first = CreateDriver();
        var handle = await StartAsync(first, RunningUntilStopped(NewSpec(), ignoringStop: false));
        await WaitForLineAsync(first, handle, "started");
        var persisted = JsonSerializer.Deserialize<TaskHandleState>(JsonSerializer.Serialize(handle.State))!;
        var processes = ProcessesOf(handle);
        await first.DisposeAsync();

        var second = CreateDriver();
        var recovered = await second.RecoverAsync(persisted, Timeout());

        Assert.NotNull(recovered);
        Track(second, recovered);
        Assert.Equal(handle.TaskId, recovered.TaskId);
        Assert.All(processes, pid => Assert.True(IsAlive(pid), $"process {pid} should survive the driver's restart"));
        await second.StopAsync(recovered, TimeSpan.FromSeconds(5), Timeout());
        var result = await second.WaitAsync(recovered, Timeout());
        Assert.Equal(15, result.Signal);
        Assert.All(processes, pid => Assert.False(IsAlive(pid)));
    }

    [Fact]
    public async Task Recover_ReportsTaskLost_WhenItDiedWithoutTrace()
    {
        var first = CreateDriver();
        var handle = await StartAsync(first, RunningUntilStopped(NewSpec(), ignoringStop: false));
        await WaitForLineAsync(first, handle, "started");
        var processes = ProcessesOf(handle);
        await first.DisposeAsync();
        KillBehindDriversBack(handle);
        await Until(() => processes.All(pid => !IsAlive(pid)));

        var second = CreateDriver();
        var recovered = await second.RecoverAsync(handle.State, Timeout());

        Assert.Null(recovered);
    }

    // ---- helpers ----

    protected IDriver CreateDriver()
    {
        var driver = CreateDriverCore();
        _drivers.Add(driver);
        return driver;
    }

    protected TaskSpec NewSpec(int rank = 0, int replicas = 1)
    {
        var jobId = "t" + Guid.NewGuid().ToString("N")[..10];
        JobIds.Add(jobId);
        return new TaskSpec
        {
            JobId = jobId,
            Rank = rank,
            Replicas = replicas,
            Command = ["true"],
            WorkingDirectory = Directory.Combine(jobId, rank.ToString(System.Globalization.CultureInfo.InvariantCulture), "work"),
            LogDirectory = Directory.Combine(jobId, rank.ToString(System.Globalization.CultureInfo.InvariantCulture), "logs"),
        };
    }

    protected async Task<TaskHandle> StartAsync(IDriver driver, TaskSpec spec)
    {
        var handle = await driver.StartAsync(spec, Timeout());
        Track(driver, handle);
        return handle;
    }

    protected void Track(IDriver driver, TaskHandle handle) => _started.Add((driver, handle));

    protected static CancellationToken Timeout() => new CancellationTokenSource(Patience).Token;

    protected static async Task WaitForLineAsync(IDriver driver, TaskHandle handle, string text)
    {
        await foreach (var line in ((ILogStreamingDriver)driver).FollowLogsAsync(handle, Timeout()))
        {
            if (line.Text == text)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the task ended without writing '{text}'");
    }

    protected static async Task<List<TaskLogLine>> CollectAsync(IDriver driver, TaskHandle handle)
    {
        var lines = new List<TaskLogLine>();
        await foreach (var line in ((ILogStreamingDriver)driver).FollowLogsAsync(handle, Timeout()))
        {
            lines.Add(line);
        }

        return lines;
    }

    protected static async Task Until(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, "the condition did not become true in time");
            await Task.Delay(20);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        // Whatever a test left running (it failed half-way) is stopped here, so that no process or namespace outlives it.
        foreach (var (driver, handle) in _started)
        {
            try
            {
                await driver.StopAsync(handle, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Taken over by another driver (recovered): that one stops it.
            }
        }

        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        Directory.Dispose();
    }
}
