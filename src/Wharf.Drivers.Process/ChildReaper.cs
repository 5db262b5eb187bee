using System.Collections.Concurrent;

namespace Wharf.Drivers.Process;

/// <summary>
/// Waits for the ends of the children this process started with posix_spawn and reaps them: one thread sleeps in
/// epoll_wait on a pidfd per child (readable once the child has ended), so a thousand running tasks cost one thread
/// and no polling. The runtime's own SIGCHLD handling reaps only the children it started itself, so it never takes
/// these. Where the kernel has no pidfds (before Linux 5.3), each child is polled instead.
/// </summary>
internal sealed class ChildReaper
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly Lazy<ChildReaper> Instance = new(() => new ChildReaper());
    private readonly ConcurrentDictionary<ulong, (int Pid, int Pidfd, TaskCompletionSource<int?> Exit)> _watched = new();
    private readonly int _epoll;
    private long _next;

    private ChildReaper()
    {
        _epoll = Libc.EpollCreate(Libc.OpenCloseOnExec);
        if (_epoll >= 0)
        {
            new Thread(Serve) { IsBackground = true, Name = "wharf-reaper" }.Start();
        }
    }

    /// <summary>The one reaper of this process.</summary>
    public static ChildReaper Shared => Instance.Value;

    /// <summary>
    /// Completes with the exit code (128 + the signal for one a signal ended) once the child <paramref name="pid"/>
    /// has ended, or with null when it was reaped by someone else (SIGCHLD ignored by whoever started this process).
    /// </summary>
    public Task<int?> WaitAsync(int pid)
    {
        var exit = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pidfd = _epoll >= 0 ? Libc.OpenPidfd(pid) : -1;
        if (pidfd < 0)
        {
            _ = PollAsync(pid, exit);
            return exit.Task;
        }

        var key = (ulong)Interlocked.Increment(ref _next);
        _watched[key] = (pid, pidfd, exit);
        if (Libc.EpollAdd(_epoll, pidfd, key) != 0)
        {
            _watched.TryRemove(key, out _);
            Libc.CloseDescriptor(pidfd);
            _ = PollAsync(pid, exit);
        }

        return exit.Task;
    }

    private static async Task PollAsync(int pid, TaskCompletionSource<int?> exit)
    {
        while (true)
        {
            var (reaped, code) = Libc.Reap(pid, block: false);
            if (reaped != 0)
            {
                exit.TrySetResult(reaped > 0 ? code : null);
                return;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    private void Serve()
    {
        Span<ulong> ready = stackalloc ulong[64];
        while (true)
        {
            var count = Libc.EpollWait(_epoll, ready);
            for (var i = 0; i < count; i++)
            {
                if (_watched.TryRemove(ready[i], out var child))
                {
                    // The pidfd is readable: the child has ended and waits, a zombie, to be reaped.
                    var (reaped, code) = Libc.Reap(child.Pid, block: true);
                    Libc.CloseDescriptor(child.Pidfd);
                    child.Exit.TrySetResult(reaped > 0 ? code : null);
                }
            }
        }
    }
}
