using System.Diagnostics;

namespace Wharf.Drivers.Process;

/// <summary>
/// What this machine offers the process driver: the tools it runs and whether it may create network namespaces and
/// mounts. Found once per process: each answer costs a few process starts.
/// </summary>
internal sealed record HostFacilities
{
    private static readonly Lazy<HostFacilities> Detected = new(Detect);

    public required string Shell { get; init; }

    /// <summary>
    /// <c>wharf-task</c> beside this assembly (built from <c>native/wharf-task.c</c> where the machine has a C
    /// compiler), the supervisor of tasks that need no <c>ready</c>; null where it is missing: the shell supervises.
    /// </summary>
    public string? TaskSupervisor { get; init; }

    /// <summary>
    /// Whether the commands of tasks that <see cref="TaskSupervisor"/> would supervise are started and supervised by one
    /// resident <c>wharf-task --serve</c> (<see cref="TaskLauncher"/>) rather than each under a <c>wharf-task</c> of its
    /// own: true wherever the supervisor is.
    /// </summary>
    public bool KeepsLauncher { get; init; }
    public string? Ip { get; init; }
    public string? Unshare { get; init; }
    public string? Mount { get; init; }
    public bool CanIsolateNetwork { get; init; }
    public bool CanMount { get; init; }
    public IReadOnlyList<string> Limitations { get; init; } = [];

    public static HostFacilities Current => Detected.Value;

    private static HostFacilities Detect()
    {
        var limitations = new List<string>();
        var shell = Find("sh") ?? throw new PlatformNotSupportedException("the process driver needs a POSIX shell (sh) on PATH");
        var linux = OperatingSystem.IsLinux();
        var root = Environment.IsPrivilegedProcess;
        if (!linux)
        {
            limitations.Add("stopping a task cannot reach processes that left its process tree: tasks get sessions of their own on Linux only");
        }

        var ip = linux ? Find("ip") : null;
        var unshare = linux ? Find("unshare") : null;
        var canIsolate = false;
        if (!linux)
        {
            limitations.Add("network isolation needs Linux network namespaces: jobs share the host network and peers are reached at 127.0.0.1");
        }
        else if (!root)
        {
            limitations.Add("network isolation needs root: jobs share the host network and peers are reached at 127.0.0.1");
        }
        else if (ip is null)
        {
            limitations.Add("network isolation needs the ip command (iproute2): jobs share the host network and peers are reached at 127.0.0.1");
        }
        else
        {
            var probe = $"wharf-probe-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
            var (added, error) = Run(ip, "netns", "add", probe);
            if (added)
            {
                Run(ip, "netns", "del", probe);
                canIsolate = true;
            }
            else
            {
                limitations.Add($"network isolation is unavailable, creating a network namespace failed ({error.Trim()}): jobs share the host network");
            }
        }

        var mount = linux ? Find("mount") : null;
        var canMount = root && mount is not null && (unshare is not null || canIsolate);
        if (!canMount)
        {
            limitations.Add("read-only files are protected by file permissions only: read-only mounts need root on Linux");
        }

        var supervisor = Path.Combine(AppContext.BaseDirectory, "wharf-task");
        var hasSupervisor = linux && File.Exists(supervisor) && IsExecutable(supervisor);
        return new HostFacilities
        {
            Shell = shell,
            TaskSupervisor = hasSupervisor ? supervisor : null,
            KeepsLauncher = hasSupervisor,
            Ip = ip,
            Unshare = unshare,
            Mount = mount,
            CanIsolateNetwork = canIsolate,
            CanMount = canMount,
            Limitations = limitations,
        };
    }

    /// <summary>A program's full path, looked up on PATH and in the system folders that root's PATH may lack.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static (bool Ok, string Error) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode == 0, error);
    }
}
