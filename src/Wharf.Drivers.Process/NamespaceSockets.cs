using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Wharf.Drivers.Process;

/// <summary>
/// Creates TCP sockets inside a job's network namespace. A socket belongs for life to the namespace it was created
/// in, whichever thread later binds or connects it; so one dedicated thread enters the namespace with setns(2),
/// creates the socket and returns to its own namespace. setns moves only the calling thread, which is why this is
/// never done on a pool thread.
/// </summary>
internal sealed class NamespaceSockets : IDisposable
{
    private readonly BlockingCollection<Request> _requests = [];
    private readonly Lock _lock = new();
    private Thread? _thread;

    public Task<Socket> CreateTcpSocketAsync(string namespacePath)
    {
        var request = new Request(namespacePath, new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            _requests.Add(request);
            if (_thread is null || !_thread.IsAlive)
            {
                _thread = StartThread();
            }
        }

        return request.Result.Task;
    }

    private Thread StartThread()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "wharf-netns-sockets" };
        thread.Start();
        return thread;
    }

    private void Serve()
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            if (!CreateIn(request, home))
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

    private static bool CreateIn(Request request, Microsoft.Win32.SafeHandles.SafeFileHandle home)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle target;
        try
        {
            target = File.OpenHandle(request.NamespacePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            request.Result.TrySetException(new IOException($"network namespace {request.NamespacePath} cannot be opened: {e.Message}", e));
            return true;
        }

        using (target)
        {
            if (Libc.SetNamespace((int)target.DangerousGetHandle(), Libc.CloneNewNet) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                request.Result.TrySetException(new IOException($"setns into {request.NamespacePath} failed (errno {errno})"));
                return true;
            }

            try
            {
                request.Result.TrySetResult(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            }
            catch (SocketException e)
            {
                request.Result.TrySetException(e);
            }

            return Libc.SetNamespace((int)home.DangerousGetHandle(), Libc.CloneNewNet) == 0;
        }
    }

    public void Dispose() => _requests.CompleteAdding();

    private sealed record Request(string NamespacePath, TaskCompletionSource<Socket> Result);
}
