using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>
/// The embedded default driver: runs a rank as local processes. Each task gets a session of its own (so that a stop
/// ends its whole tree), its output in log files, its declared ports, and — where the machine allows (Linux, root,
/// iproute2) — its job's own network namespace, linked only to its peers, with its ports forwarded to the host.
/// See <c>docs/networking.md</c>.
/// </summary>
public sealed partial class ProcessDriver : IDriver, ILogStreamingDriver
{
    /// <summary>The kind of this driver.</summary>
    public const string DriverKind = "process";

    /// <summary>The key in <see cref="TaskHandleState.DriverState"/> of an unnamed namespace's identity (<c>net:[…]</c>).</summary>
    internal const string UnnamedNamespaceKey = "networkNamespaceId";

    private readonly ProcessDriverOptions _options;
    private readonly HostFacilities _host;
    private readonly IPAddress _portAddress;
    private readonly NamespaceThread _threads = new();
    private readonly NetworkTopology? _topology;
    private readonly PortReservations _ports = new();
    private readonly ConcurrentDictionary<string, ProcessTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<TaskHandle, ProcessTask> _byHandle = [];

    /// <summary>A process driver with the default settings.</summary>
    public ProcessDriver() : this(new ProcessDriverOptions())
    {
    }

    /// <summary>A process driver with the given settings; finds what the machine allows (once per process).</summary>
    public ProcessDriver(ProcessDriverOptions options) : this(options, HostFacilities.Current)
    {
    }

    /// <summary>A process driver on the given facilities (tests take some away to run the fallbacks).</summary>
    internal ProcessDriver(ProcessDriverOptions options, HostFacilities host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        _options = options;
        _host = host;
        _portAddress = IPAddress.Parse(options.PortAddress);
        var isolate = options.NetworkIsolation switch
        {
            NetworkIsolationMode.Disabled => false,
            NetworkIsolationMode.Required when !_host.CanIsolateNetwork =>
                throw new PlatformNotSupportedException(string.Join("; ", _host.Limitations)),
            _ => _host.CanIsolateNetwork,
        };
        if (isolate)
        {
            _topology = new NetworkTopology(_host.Ip!, _threads, options.Scope);
        }

        var limitations = _host.Limitations.ToList();
        if (!isolate && _host.CanIsolateNetwork)
        {
            limitations.Add("network isolation is turned off in the driver's settings: jobs share the host network and peers are reached at their addresses");
        }

        Capabilities = new DriverCapabilities
        {
            NetworkIsolation = isolate,
            PeerHostnames = isolate,
            EnforcedReadOnlyFiles = _host.CanMount,
            StopsProcessTree = SupervisorProcess.OwnsSession,
            RecoversTasks = OperatingSystem.IsLinux(),
            Limitations = limitations,
        };
    }

    /// <inheritdoc />
    public string Kind => DriverKind;

    /// <inheritdoc />
    public DriverCapabilities Capabilities { get; }

    /// <inheritdoc />
    public async Task<TaskHandle> StartAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        Validate(spec);
        Directory.CreateDirectory(spec.WorkingDirectory);
        Directory.CreateDirectory(spec.LogDirectory);
        var isolated = _topology is not null && spec.NetworkIsolation;
        var warnings = new List<string>();
        var forwards = new List<TcpForward>();
        var reserved = new List<int>();
        JobNetwork? network = null;
        try
        {
            if (isolated)
            {
                (network, var joinWarnings) = await _topology!.JoinAsync(spec, cancellationToken).ConfigureAwait(false);
                warnings.AddRange(joinWarnings);
            }

            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var name in spec.Ports)
            {
                if (network is not null)
                {
                    var forward = ForwardPort(network, 0);
                    forwards.Add(forward);
                    ports[name] = forward.ListenEndPoint.Port;
                }
                else
                {
                    var port = _ports.Reserve();
                    reserved.Add(port);
                    ports[name] = port;
                }
            }

            var (binds, filePaths) = FileMounts.Prepare(spec, _host.CanMount);
            var peerHosts = spec.Peers.Keys.ToDictionary(h => h, h => isolated ? h : spec.Peers[h].Address, StringComparer.Ordinal);
            var environment = BaseEnvironment(spec);
            foreach (var (name, value) in TaskEnvironment.Build(spec, ports, peerHosts, filePaths))
            {
                environment[name] = value;
            }

            if (spec.BeforeLaunch is { } beforeLaunch)
            {
                var address = network is not null ? _portAddress.ToString() : "127.0.0.1";
                await beforeLaunch(new TaskLaunchContext(address, ports, peerHosts, environment), cancellationToken).ConfigureAwait(false);
            }

            File.Delete(TaskLaunch.ExitStatusPath(spec));
            var named = network is { Named: true };
            var command = TaskLaunch.Command(_host, spec, named ? network!.Name : null, binds, environment);
            var spawn = Spawner(command, network);
            var (process, startTime) = await TaskLaunch.StartAsync(command, spec, spawn, cancellationToken).ConfigureAwait(false);
            var state = new TaskHandleState
            {
                TaskId = $"{spec.JobId}-{spec.Rank}-{Guid.NewGuid():N}"[..^20],
                DriverKind = Kind,
                Spec = spec,
                StartedAt = _options.TimeProvider.GetUtcNow(),
                ProcessId = process.Id,
                ProcessStartTime = startTime,
                BootId = ProcStat.BootId(),
                NetworkNamespace = named ? network!.Name : null,
                Ports = ports,
                PortAddress = network is not null ? _portAddress.ToString() : "127.0.0.1",
                DriverState = network is { Named: false, Identity: { } identity }
                    ? new Dictionary<string, string> { [UnnamedNamespaceKey] = identity }
                    : new Dictionary<string, string>(),
            };
            var task = new ProcessTask(new TaskHandle(state, warnings), process, SupervisorProcess.OwnsSession) { Network = network };
            task.Forwards.AddRange(forwards);
            task.ReservedPorts.AddRange(reserved);
            Register(task);
            _ = task.WatchChildAsync();
            return task.Handle;
        }
        catch
        {
            foreach (var forward in forwards)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }

            _ports.Release(reserved);
            if (network is not null)
            {
                await _topology!.LeaveAsync(network, leftNothing: false).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// How the task's leader is started: by the launcher where the command is <c>wharf-task</c>'s (one program start
    /// per task), else by this process. An unnamed namespace is entered by the launcher's child with the descriptor
    /// handed to it, or by starting the chain from a thread inside it: no program is run for it.
    /// </summary>
    private Func<LaunchCommand, Task<SupervisorProcess>> Spawner(LaunchCommand command, JobNetwork? network)
    {
        var unnamed = network is { Named: false } ? network : null;
        if (command.Program == _host.TaskSupervisor && _host.KeepsLauncher && (unnamed is null || unnamed.Handle is not null)
            && TaskLauncher.For(command.Program) is { } launcher)
        {
            return c => launcher.StartAsync(c, unnamed?.Handle);
        }

        return unnamed is null
            ? c => Task.FromResult(SupervisorProcess.Start(c))
            : c => _topology!.RunInAsync(unnamed, () => SupervisorProcess.Start(c));
    }

    /// <inheritdoc />
    public Task<ExitResult> WaitAsync(TaskHandle handle, CancellationToken cancellationToken) =>
        Find(handle).Exit.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<TaskLogLine> FollowLogsAsync(TaskHandle handle, CancellationToken cancellationToken) =>
        TaskLogFiles.FollowAsync(handle.State.Spec.LogDirectory, Find(handle).Exit, _options.PollInterval, cancellationToken);

    /// <summary>Stops the port forwarders this driver runs; tasks, their namespaces and their log files stay for a next driver to recover.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var task in _tasks.Values)
        {
            foreach (var forward in task.Forwards)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_topology is not null)
        {
            await _topology.DisposeAsync().ConfigureAwait(false);
        }

        _threads.Dispose();
    }

    /// <summary>Forwards a host port (0: any free one) on the port address to the same port on 127.0.0.1 inside the job's namespace.</summary>
    private TcpForward ForwardPort(JobNetwork network, int port)
    {
        var listener = new Socket(_portAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        TcpForward? forward = null;
        forward = TcpForward.Start(listener, new IPEndPoint(_portAddress, port), async cancellationToken =>
        {
            var socket = await _topology!.CreateTcpSocketAsync(network).ConfigureAwait(false);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, forward!.ListenEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });
        return forward;
    }

    private static Dictionary<string, string> BaseEnvironment(TaskSpec spec) => new(StringComparer.Ordinal)
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = Path.GetFullPath(spec.WorkingDirectory),
    };

    private void Register(ProcessTask task)
    {
        _tasks[task.Handle.TaskId] = task;
        _byHandle.AddOrUpdate(task.Handle, task);
    }

    private ProcessTask Find(TaskHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_byHandle.TryGetValue(handle, out var task) || _tasks.TryGetValue(handle.TaskId, out task))
        {
            return task;
        }

        throw new InvalidOperationException($"{handle} is not known to this driver; recover it first");
    }

    private static void Validate(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.JobId))
        {
            problems.Add("the job id is empty");
        }

        if (spec.Command.Count == 0 || string.IsNullOrEmpty(spec.Command[0]))
        {
            problems.Add("the command is empty");
        }

        if (spec.Rank < 0 || spec.Rank >= spec.Replicas)
        {
            problems.Add($"rank {spec.Rank} is not within the {spec.Replicas} replicas");
        }

        if (!Path.IsPathFullyQualified(spec.WorkingDirectory) || !Path.IsPathFullyQualified(spec.LogDirectory))
        {
            problems.Add("the working and log directories must be absolute paths");
        }

        if (spec.Ports.Any(string.IsNullOrWhiteSpace) || spec.Ports.Distinct(StringComparer.Ordinal).Count() != spec.Ports.Count)
        {
            problems.Add("port names must be non-empty and different");
        }

        problems.AddRange(spec.Peers.Keys.Where(h => !Hostname().IsMatch(h)).Select(h => $"peer hostname '{h}' is not a valid hostname"));
        if (problems.Count > 0)
        {
            throw new TaskStartException(string.Join("; ", problems));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")]
    private static partial Regex Hostname();
}
