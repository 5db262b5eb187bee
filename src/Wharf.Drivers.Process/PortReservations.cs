using System.Net;
using System.Net.Sockets;

namespace Wharf.Drivers.Process;

/// <summary>
/// Free ports for tasks on the host network. A port is found by binding port 0 and is then released for the task to
/// bind, so another program could take it in between; ports handed out and not yet released are never handed out
/// twice by this driver. (Isolated tasks do not need this: their forwarder keeps its host port bound.)
/// </summary>
internal sealed class PortReservations
{
    private readonly HashSet<int> _reserved = [];
    private readonly Lock _lock = new();

    public int Reserve()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Any, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            lock (_lock)
            {
                if (_reserved.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("no free port could be found");
    }

    /// <summary>Marks ports as taken (for a task taken back after a restart).</summary>
    public void Hold(IEnumerable<int> ports)
    {
        lock (_lock)
        {
            _reserved.UnionWith(ports);
        }
    }

    public void Release(IEnumerable<int> ports)
    {
        lock (_lock)
        {
            _reserved.ExceptWith(ports);
        }
    }
}
