using System.Collections.Concurrent;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Fake;

/// <summary>
/// The pretend machine the fake driver runs tasks on: which pretend processes live, and how the ended ones ended.
/// It outlives a driver, as a real machine outlives an agent, so that a new driver can recover tasks from it.
/// </summary>
public sealed class FakeProcessTable
{
    private readonly ConcurrentDictionary<int, FakeProcess> _processes = new();
    private int _nextPid = 1000;
    private int _nextPort = 40000;

    /// <summary>Whether a pretend process (a task's leader or one of its children) still runs.</summary>
    public bool IsAlive(int pid) => Find(pid) is { } process && process.IsAlive(pid);

    /// <summary>The pretend processes of a task: its leader first, then its children.</summary>
    public IReadOnlyList<int> ProcessesOf(TaskHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return FakeDriver.LeaderOf(handle.State) is { } pid && _processes.TryGetValue(pid, out var process)
            ? [process.Pid, .. process.Children]
            : [];
    }

    /// <summary>Kills a task's processes behind its driver's back, as an out-of-memory killer would: no exit is recorded.</summary>
    public void Kill(TaskHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (FakeDriver.LeaderOf(handle.State) is { } pid && _processes.TryGetValue(pid, out var process))
        {
            process.End(new ExitResult(128 + 9, 9), recorded: false);
        }
    }

    internal int NextPort() => Interlocked.Increment(ref _nextPort);

    internal FakeProcess Add(int children)
    {
        var pid = Interlocked.Add(ref _nextPid, children + 1);
        var process = new FakeProcess(pid - children, [.. Enumerable.Range(pid - children + 1, children)]);
        _processes[process.Pid] = process;
        return process;
    }

    internal FakeProcess? Find(int pid) =>
        _processes.TryGetValue(pid, out var leader) ? leader : _processes.Values.FirstOrDefault(p => p.Children.Contains(pid));
}
