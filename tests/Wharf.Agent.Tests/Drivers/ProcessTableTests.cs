using System.Diagnostics;
using System.Text;
using Wharf.Agent.Tests.Support;
using Wharf.Drivers.Process;

namespace Wharf.Agent.Tests.Drivers;

/// <summary>
/// Reading the process table from bytes: stat lines whose command names hold spaces and parentheses, a session's
/// processes found by one pass, a network namespace's processes, and passes shared by callers asking at once.
/// </summary>
public sealed class ProcessTableTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly List<Process> _processes = [];

    [Theory]
    [InlineData("we (ird) name")]
    [InlineData("a) Z 7 7 7 (b")]
    [InlineData(") S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 (")]
    [InlineData("sp  aces")]
    public void Parse_FromBytes_ReadsTheFieldsAfterTheLastParenthesis(string name)
    {
        var line = $"4242 ({name}) S 1 4240 4241 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10\n";

        var stat = ProcStat.Parse(4242, Encoding.UTF8.GetBytes(line));

        Assert.Equal(new ProcStat(4242, 'S', 4240, 4241, 987654), stat);
    }

    [Theory]
    [InlineData("4242 (name) S 1 4240 4241 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1")]
    [InlineData("4242 name S 1 4240 4241 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10")]
    [InlineData("4242 (name) S 1 group 4241 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10")]
    [InlineData("")]
    public void Parse_RejectsALineWithoutTheNeededFields(string line)
    {
        Assert.Null(ProcStat.Parse(4242, Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public async Task SessionScan_FindsALeaderWhoseNameHoldsSpacesAndParentheses_AndKeepsThePidReuseGuard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // The kernel names a process after the file it runs (15 bytes of it): here a link to sleep.
        var program = _directory.Combine("s) R 1 (x y");
        File.CreateSymbolicLink(program, "/usr/bin/sleep");
        var leader = Start("/usr/bin/setsid", program, "30");
        // Asleep ('S', not the 'R' in its name) once sleep has started: a parse that took the name's fields never gets there.
        var stat = await WaitForStatAsync(() => ProcStat.Read(leader.Id) is { Session: var s, State: 'S' } read && s == leader.Id ? read : null);

        Assert.Equal(leader.Id, stat.ProcessGroup);
        Assert.Equal([leader.Id], ProcStat.InSession(leader.Id).Select(s => s.ProcessId));
        Assert.Equal(stat, ProcStat.InSession(leader.Id).Single());
        Assert.Equal([leader.Id], ProcessSession.Members(leader.Id, stat.StartTime));
        // Another process leading a session with the same id: the task's session is gone.
        Assert.Empty(ProcessSession.Members(leader.Id, stat.StartTime + 1));

        leader.Kill();
        await leader.WaitForExitAsync();
        Assert.Empty(ProcessSession.Members(leader.Id, stat.StartTime));
    }

    [Fact]
    public async Task NamespaceScan_FindsProcessesOfTheNamespace_ButNotThisOne()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var child = Start("/usr/bin/sleep", "30");
        var identity = NamespaceIdentity.Of(Environment.ProcessId)!;
        await WaitForAsync(() => NamespaceIdentity.Of(child.Id) == identity ? identity : null);

        var members = ProcStat.InNetworkNamespace(identity);

        Assert.Contains(child.Id, members);
        Assert.DoesNotContain(Environment.ProcessId, members);
        Assert.Empty(ProcStat.InNetworkNamespace("net:[1]"));
    }

    [Fact]
    public async Task NamespaceScan_OfSeveralNamespaces_AnswersEachInOrder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var child = Start("/usr/bin/sleep", "30");
        var identity = NamespaceIdentity.Of(Environment.ProcessId)!;
        await WaitForAsync(() => NamespaceIdentity.Of(child.Id) == identity ? identity : null);

        var answers = ProcStat.InNetworkNamespaces(["net:[1]", identity, "net:[2]"]);

        Assert.Equal(3, answers.Length);
        Assert.Empty(answers[0]);
        Assert.Contains(child.Id, answers[1]);
        Assert.Empty(answers[2]);
        Assert.Empty(ProcStat.InNetworkNamespaces([]));
    }

    [IsolationFact]
    public async Task StraySweeper_EndsWhatRunsInANamespace_AfterGathering()
    {
        // Not this process's own namespace, where every process but this one would be ended: one of the stray's own
        // (unshare -n needs what the driver's namespaces need).
        var stray = Start("/usr/bin/unshare", "-n", "/usr/bin/sleep", "30");
        var identity = await WaitForAsync(() => NamespaceIdentity.Of(stray.Id) is { } id && id != NamespaceIdentity.Of(Environment.ProcessId) ? id : null);
        var handle = File.OpenHandle($"/proc/{stray.Id}/ns/net");
        await using (var sweeper = new StraySweeper())
        {
            sweeper.Add(identity, handle);
            Assert.True(stray.WaitForExit(TimeSpan.FromSeconds(10)), "the stray still runs");
        }

        Assert.Equal(137, stray.ExitCode);
        Assert.True(handle.IsClosed);
    }

    [Fact]
    public async Task Scans_AskedAtOnce_EachGetTheirOwnAnswer()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var leader = Start("/usr/bin/setsid", "/usr/bin/sleep", "30");
        await WaitForStatAsync(() => ProcStat.Read(leader.Id) is { Session: var s } read && s == leader.Id ? read : null);
        var identity = NamespaceIdentity.Of(Environment.ProcessId)!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => (i % 3) switch
        {
            0 => ProcStat.InSession(leader.Id).Select(s => s.ProcessId).ToList(),
            1 => ProcStat.InSession(int.MaxValue).Select(s => s.ProcessId).ToList(),
            _ => ProcStat.InNetworkNamespace(identity),
        })));

        for (var i = 0; i < answers.Length; i++)
        {
            switch (i % 3)
            {
                case 0:
                    Assert.Equal([leader.Id], answers[i]);
                    break;
                case 1:
                    Assert.Empty(answers[i]);
                    break;
                default:
                    Assert.Contains(leader.Id, answers[i]);
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        _directory.Dispose();
    }

    private Process Start(string program, params string[] arguments)
    {
        var process = Process.Start(program, arguments);
        _processes.Add(process);
        return process;
    }

    private static async Task<ProcStat> WaitForStatAsync(Func<ProcStat?> read)
    {
        for (var i = 0; i < 100; i++)
        {
            if (read() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the process did not get there within 5 seconds");
    }

    private static async Task<string> WaitForAsync(Func<string?> read)
    {
        for (var i = 0; i < 100; i++)
        {
            if (read() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the process did not get there within 5 seconds");
    }
}
