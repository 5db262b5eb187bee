using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;
using Xunit.Abstractions;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>Files from the file store as the process driver shows them to jobs.</summary>
public sealed class ProcessDriverFileTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly List<(ProcessDriver Driver, TaskHandle Handle)> _handles = [];
    private readonly List<ProcessDriver> _drivers = [];

    [Theory]
    [InlineData(NetworkIsolationMode.Auto)]
    [InlineData(NetworkIsolationMode.Disabled)]
    public async Task ReadWriteFolder_IsSeenInWorkingFolder_AndChangesReachFileStore(NetworkIsolationMode isolation)
    {
        var driver = Driver(isolation);
        var store = StoreFolder("project-1/acme-database");
        var spec = Spec("echo $WHARF_FILE_DATASTORE; cat \"$WHARF_FILE_DATASTORE/seed.txt\"; echo written > \"$WHARF_FILE_DATASTORE/out.txt\"") with
        {
            Files = [new FileMount { Name = "dataStore", HostPath = store, JobPath = "data" }],
        };

        var result = await RunAsync(driver, spec);

        Assert.Equal(0, result.ExitCode);
        var lines = await File.ReadAllLinesAsync(TaskLogFiles.StdoutPath(spec.LogDirectory));
        Assert.Equal([Path.Combine(spec.WorkingDirectory, "data"), "seed"], lines);
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(store, "out.txt")));
    }

    [Theory]
    [InlineData(NetworkIsolationMode.Auto)]
    [InlineData(NetworkIsolationMode.Disabled)]
    public async Task ReadOnlyFolder_CanBeReadButNotChangedByJob(NetworkIsolationMode isolation)
    {
        var driver = Driver(isolation);
        if (Environment.IsPrivilegedProcess && !driver.Capabilities.EnforcedReadOnlyFiles)
        {
            // Root ignores file permissions, and this machine allows no read-only mount: nothing can enforce it here.
            output.WriteLine("not run: root without read-only mounts cannot be kept from writing");
            return;
        }

        var store = StoreFolder("project-1/inputs");
        var spec = Spec("cat \"$WHARF_FILE_INPUTS/seed.txt\"; if echo x > \"$WHARF_FILE_INPUTS/new.txt\"; then echo WROTE; else echo DENIED; fi") with
        {
            Files = [new FileMount { Name = "inputs", HostPath = store, JobPath = "in/inputs", ReadOnly = true }],
        };

        var result = await RunAsync(driver, spec);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["seed", "DENIED"], await File.ReadAllLinesAsync(TaskLogFiles.StdoutPath(spec.LogDirectory)));
        Assert.False(File.Exists(Path.Combine(store, "new.txt")));
        output.WriteLine($"enforced by a read-only mount: {driver.Capabilities.EnforcedReadOnlyFiles}");
    }

    [Fact]
    public async Task Start_Refuses_FileOutsideWorkingFolder()
    {
        var store = StoreFolder("project-1/x");
        var spec = Spec("true") with { Files = [new FileMount { Name = "x", HostPath = store, JobPath = "../escape" }] };

        var error = await Assert.ThrowsAsync<TaskStartException>(() => Driver(NetworkIsolationMode.Auto).StartAsync(spec, Timeout()));

        Assert.Contains("inside the working folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Refuses_FileMissingFromStore()
    {
        var spec = Spec("true") with { Files = [new FileMount { Name = "x", HostPath = _directory.Combine("files", "nope"), JobPath = "x" }] };

        var error = await Assert.ThrowsAsync<TaskStartException>(() => Driver(NetworkIsolationMode.Auto).StartAsync(spec, Timeout()));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    private string StoreFolder(string path)
    {
        var folder = _directory.Combine("files", path);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "seed.txt"), "seed\n");
        return folder;
    }

    private TaskSpec Spec(string script)
    {
        var jobId = "f" + Guid.NewGuid().ToString("N")[..10];
        return new TaskSpec
        {
            JobId = jobId,
            Command = ["/bin/sh", "-c", script],
            WorkingDirectory = _directory.Combine(jobId, "work"),
            LogDirectory = _directory.Combine(jobId, "logs"),
        };
    }

    private ProcessDriver Driver(NetworkIsolationMode isolation)
    {
        var driver = new ProcessDriver(new ProcessDriverOptions { NetworkIsolation = isolation });
        _drivers.Add(driver);
        return driver;
    }

    private async Task<ExitResult> RunAsync(ProcessDriver driver, TaskSpec spec)
    {
        var handle = await driver.StartAsync(spec, Timeout());
        _handles.Add((driver, handle));
        var result = await driver.WaitAsync(handle, Timeout());
        output.WriteLine(await File.ReadAllTextAsync(TaskLogFiles.StderrPath(spec.LogDirectory)));
        return result;
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (driver, handle) in _handles)
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
