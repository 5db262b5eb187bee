using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// The pool of ready namespaces: made on a thread of their own, the same way a launch would make one (unshare, then
/// the loopback up), so that a launch takes one at once and the namespace thread never waits behind the making of one.
/// </summary>
internal sealed partial class NamespaceThread
{
    /// <summary>How many ready namespaces are kept: two launches in a row take one each without waiting.</summary>
    public const int PoolSize = 2;

    private readonly Queue<(SafeFileHandle Handle, string? Identity)> _pool = new();
    private readonly Queue<TaskCompletionSource<(SafeFileHandle Handle, string? Identity)>> _takers = new();
    // Without spinning before it blocks (SemaphoreSlim's wait spins with sched_yield, which on 2 cores cost ~3% of
    // wharf up's CPU in a trivial-job run): the refill loop looks at the pool itself after each wake.
    private readonly ManualResetEventSlim _refillWanted = new(false, spinCount: 0);
    private Thread? _refiller;
    private bool _disposed;

    /// <summary>The identities of the ready namespaces in the pool, oldest first (for tests and diagnostics).</summary>
    public IReadOnlyList<string?> Ready
    {
        get
        {
            lock (_lock)
            {
                return [.. _pool.Select(p => p.Identity)];
            }
        }
    }

    /// <summary>
    /// A new network namespace with its loopback up, as a handle that keeps it alive (the caller's to close) and its
    /// identity. Each comes out of the pool once; when the pool is empty the caller gets the next one made. Every take
    /// has the pool refilled in the background.
    /// </summary>
    public Task<(SafeFileHandle Handle, string? Identity)> CreateAsync()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_refiller is null || !_refiller.IsAlive)
            {
                // Started from the caller's thread, so it starts in the caller's namespace: the host's.
                _refiller = new Thread(Refill) { IsBackground = true, Name = "wharf-netns-pool" };
                _refiller.Start();
            }

            _refillWanted.Set();
            if (_pool.TryDequeue(out var ready))
            {
                return Task.FromResult(ready);
            }

            var taker = new TaskCompletionSource<(SafeFileHandle Handle, string? Identity)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _takers.Enqueue(taker);
            return taker.Task;
        }
    }

    /// <summary>
    /// The refill thread: after each take, makes namespaces until the pool is full and no take waits. A failure goes to
    /// the oldest waiting take, and ends the round when none waits (the next take tries again).
    /// </summary>
    private void Refill()
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        while (true)
        {
            _refillWanted.Wait();
            _refillWanted.Reset();
            var more = true;
            while (more)
            {
                lock (_lock)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    if (_takers.Count == 0 && _pool.Count >= PoolSize)
                    {
                        break;
                    }
                }

                var (made, failure, moved) = MakeNamespace();
                var returned = !moved || Libc.SetNamespace((int)home.DangerousGetHandle(), Libc.CloneNewNet) == 0;
                lock (_lock)
                {
                    Deliver(made, failure);
                    if (!returned)
                    {
                        // Stuck in the namespace it made: this thread ends (what the pool holds stays valid), the takes
                        // waiting fail, and the next take starts another thread.
                        while (_takers.TryDequeue(out var stranded))
                        {
                            stranded.TrySetException(new IOException("the namespace pool's thread could not return to its own network namespace"));
                        }

                        return;
                    }

                    more = made is not null || _takers.Count > 0;
                }
            }
        }
    }

    /// <summary>Hands a namespace just made to the oldest waiting take, else to the pool; a failure to the oldest take. Under the lock.</summary>
    private void Deliver((SafeFileHandle Handle, string? Identity)? made, Exception? failure)
    {
        if (made is not { } fresh)
        {
            if (_takers.TryDequeue(out var failed))
            {
                failed.TrySetException(failure!);
            }
        }
        else if (_disposed)
        {
            fresh.Handle.Dispose();
        }
        else if (_takers.TryDequeue(out var taker))
        {
            taker.TrySetResult(fresh);
        }
        else
        {
            _pool.Enqueue(fresh);
        }
    }

    /// <summary>
    /// Makes a namespace on this thread (unshare, then the loopback up) and opens it. Moved says whether the thread
    /// has left its own namespace, whatever the outcome.
    /// </summary>
    private static ((SafeFileHandle Handle, string? Identity)? Made, Exception? Failure, bool Moved) MakeNamespace()
    {
        if (Libc.Unshare(Libc.CloneNewNet) != 0)
        {
            return (null, new IOException($"a network namespace cannot be created (unshare: errno {Marshal.GetLastPInvokeError()})"), false);
        }

        var errno = Libc.BringLoopbackUp();
        if (errno != 0)
        {
            // The new namespace dies when the thread returns home: nothing else refers to it.
            return (null, new IOException($"the loopback of a new network namespace cannot be brought up (errno {errno})"), true);
        }

        try
        {
            var handle = File.OpenHandle("/proc/thread-self/ns/net");
            return ((handle, NamespaceIdentity.Of(handle)), null, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new IOException($"a new network namespace cannot be opened: {e.Message}", e), true);
        }
    }
}
