using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Wharf.Drivers.Process;

/// <summary>
/// Does work inside a job's network namespace without starting a program for it: one dedicated thread enters the
/// namespace with setns(2), does the work and returns to its own namespace. setns and unshare(2) move only the calling
/// thread, which is why this is never done on a pool thread. What the work creates keeps the namespace it was created
/// in: a socket belongs to it for life, and a process started here (fork copies the calling thread's namespaces) runs
/// in it. New namespaces are made ahead of time by a second thread and kept in a small pool, so that a launch takes
/// one instead of waiting while one is made, and entering a namespace never waits behind the making of one.
/// </summary>
internal sealed partial class NamespaceThread : IDisposable
{
    private readonly BlockingCollection<Request> _requests = [];
    private readonly Lock _lock = new();
    private Thread? _thread;

    /// <summary>Runs <paramref name="work"/> inside the namespace open at <paramref name="ns"/>.</summary>
    public Task<T> RunInAsync<T>(SafeFileHandle ns, Func<T> work) => Enqueue(new Target(null, ns), work);

    /// <summary>Runs <paramref name="work"/> inside the namespace at a path (<c>/run/netns/NAME</c>).</summary>
    public Task<T> RunInAsync<T>(string namespacePath, Func<T> work) => Enqueue(new Target(namespacePath, null), work);

    /// <summary>A TCP socket of the namespace open at <paramref name="ns"/>.</summary>
    public Task<Socket> CreateTcpSocketAsync(SafeFileHandle ns) => RunInAsync(ns, NewTcpSocket);

    /// <summary>A TCP socket of the namespace at a path.</summary>
    public Task<Socket> CreateTcpSocketAsync(string namespacePath) => RunInAsync(namespacePath, NewTcpSocket);

    /// <summary>
    /// Ends the threads once the work queued so far is done, closes the ready namespaces (each goes with its handle)
    /// and fails the takes still waiting for one.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_pool.TryDequeue(out var ready))
            {
                ready.Handle.Dispose();
            }

            while (_takers.TryDequeue(out var taker))
            {
                taker.TrySetException(new ObjectDisposedException(nameof(NamespaceThread)));
            }
        }

        // Wakes the refill thread so that it sees the pool is closed.
        _refillWanted.Set();
        _requests.CompleteAdding();
    }

    private static Socket NewTcpSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private Task<T> Enqueue<T>(Target target, Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new Request(target, () =>
        {
            try
            {
                result.TrySetResult(work());
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        }, e => result.TrySetException(e));
        lock (_lock)
        {
            _requests.Add(request);
            if (_thread is null || !_thread.IsAlive)
            {
                _thread = StartThread();
            }
        }

        return result.Task;
    }

    private Thread StartThread()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "wharf-netns" };
        thread.Start();
        return thread;
    }

    private void Serve()
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            var (entered, moved) = Enter(request);
            if (entered)
            {
                request.Work();
            }

            if (moved && Libc.SetNamespace((int)home.DangerousGetHandle(), Libc.CloneNewNet) != 0)
            {
                // This thread could not return to its own namespace: let it end (its namespace goes with it) and hand
                // the queue to a fresh thread.
                lock (_lock)
                {
                    _thread = StartThread();
                }

                return;
            }
        }
    }

    /// <summary>
    /// Moves this thread into the request's namespace. Entered is false, and the request failed, when it cannot; moved
    /// says whether the thread has left its own namespace all the same.
    /// </summary>
    private static (bool Entered, bool Moved) Enter(Request request)
    {
        var target = request.Target;
        if (target.Handle is { } handle)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return SetNamespace(request, (int)handle.DangerousGetHandle(), "the job's network namespace");
            }
            catch (ObjectDisposedException)
            {
                request.Fail(new IOException("the job's network namespace has been released"));
                return (false, false);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        SafeFileHandle opened;
        try
        {
            opened = File.OpenHandle(target.Path!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            request.Fail(new IOException($"network namespace {target.Path} cannot be opened: {e.Message}", e));
            return (false, false);
        }

        using (opened)
        {
            return SetNamespace(request, (int)opened.DangerousGetHandle(), target.Path!);
        }
    }

    private static (bool Entered, bool Moved) SetNamespace(Request request, int fd, string what)
    {
        if (Libc.SetNamespace(fd, Libc.CloneNewNet) == 0)
        {
            return (true, true);
        }

        request.Fail(new IOException($"setns into {what} failed (errno {Marshal.GetLastPInvokeError()})"));
        return (false, false);
    }

    private sealed record Target(string? Path, SafeFileHandle? Handle);

    private sealed record Request(Target Target, Action Work, Action<Exception> Fail);
}
