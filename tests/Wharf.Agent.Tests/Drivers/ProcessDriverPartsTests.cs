using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>The process driver's pieces that can be checked without running a task.</summary>
public sealed class ProcessDriverPartsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public void ProcStat_ReadsStateSessionAndStartTime_EvenWithParenthesesInName()
    {
        const string line = "4242 (we (ird) name) S 1 4240 4241 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";

        var stat = ProcStat.Parse(4242, line);

        Assert.NotNull(stat);
        Assert.Equal('S', stat.Value.State);
        Assert.Equal(4240, stat.Value.ProcessGroup);
        Assert.Equal(4241, stat.Value.Session);
        Assert.Equal(987654, stat.Value.StartTime);
    }

    [Fact]
    public void ProcStat_SeesThisProcess()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var stat = ProcStat.Read(Environment.ProcessId);

        Assert.NotNull(stat);
        Assert.False(stat.Value.IsDead);
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(3, 3, null)]
    [InlineData(143, 143, 15)]
    [InlineData(137, 137, 9)]
    [InlineData(128, 128, null)]
    [InlineData(255, 255, null)]
    public void ExitResult_ReadsSignalFromShellExitCode(int exitCode, int expectedCode, int? expectedSignal)
    {
        var result = ExitResult.FromExitCode(exitCode);

        Assert.Equal(expectedCode, result.ExitCode);
        Assert.Equal(expectedSignal, result.Signal);
    }

    [Theory]
    [InlineData(0, "10.213.0.1", "10.213.0.2")]
    [InlineData(64, "10.213.1.1", "10.213.1.2")]
    [InlineData(16383, "10.213.255.253", "10.213.255.254")]
    public void LinkAddresses_GiveEachLinkItsOwnSlash30(int subnet, string target, string source)
    {
        Assert.Equal(target, LinkAddresses.TargetAddress(subnet).ToString());
        Assert.Equal(source, LinkAddresses.SourceAddress(subnet).ToString());
        Assert.Equal(subnet, LinkAddresses.SubnetOf(target));
        Assert.Equal(subnet, LinkAddresses.SubnetOf(source));
    }

    [Theory]
    [InlineData("4101", "wharf-4101")]
    [InlineData("job/with spaces", "wharf-job_with_spaces")]
    public void JobNetwork_NamesNamespaceAfterJob(string jobId, string expected) =>
        Assert.Equal(expected, JobNetwork.NameFor(null, jobId));

    [Fact]
    public void JobNetwork_KeepsTwoAgentsNamespacesApart_ByTheirScopes()
    {
        var first = ProcessDriverOptions.ScopeFor("/srv/agent-a/state");
        var second = ProcessDriverOptions.ScopeFor("/srv/agent-b/state");

        Assert.NotEqual(JobNetwork.NameFor(first, "4101"), JobNetwork.NameFor(second, "4101"));
        Assert.Equal($"wharf-{first}-4101", JobNetwork.NameFor(first, "4101"));
        Assert.Equal(first, ProcessDriverOptions.ScopeFor("/srv/agent-a/state"));
    }

    [Fact]
    public void FileMounts_WithoutMounts_LinkIntoWorkingFolder_AndClearWriteBitsForReadOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = _directory.Combine("files", "p", "inputs");
        Directory.CreateDirectory(store);
        File.WriteAllText(Path.Combine(store, "a.txt"), "a");
        var spec = new TaskSpec
        {
            JobId = "1",
            Command = ["true"],
            WorkingDirectory = _directory.Combine("work"),
            LogDirectory = _directory.Combine("logs"),
            Files = [new FileMount { Name = "inputs", HostPath = store, JobPath = "in", ReadOnly = true }],
        };
        Directory.CreateDirectory(spec.WorkingDirectory);

        var (binds, paths) = FileMounts.Prepare(spec, canMount: false);

        Assert.Empty(binds);
        var link = Path.Combine(spec.WorkingDirectory, "in");
        Assert.Equal(link, paths["inputs"]);
        Assert.Equal(store, new FileInfo(link).LinkTarget);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(Path.Combine(store, "a.txt")) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));

        var (_, again) = FileMounts.Prepare(spec with { Files = [spec.Files[0] with { ReadOnly = false }] }, canMount: false);

        Assert.Equal(link, again["inputs"]);
        Assert.True((File.GetUnixFileMode(Path.Combine(store, "a.txt")) & UnixFileMode.UserWrite) != 0);
    }

    public void Dispose() => _directory.Dispose();
}
