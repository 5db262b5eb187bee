using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

/// <summary>A file-store path to bind-mount at a place in the job's working folder.</summary>
internal sealed record BindMount(string Source, string Target, bool ReadOnly);

/// <summary>
/// Puts a task's files from the file store into its working folder. With mounts (root on Linux) each becomes a bind
/// mount made inside the task's private mount namespace, read-only where asked, invisible to everyone else.
/// Without, each becomes a symbolic link, and read-only is only file permissions: the write bits are cleared.
/// </summary>
internal static class FileMounts
{
    public static (List<BindMount> Binds, Dictionary<string, string> Paths) Prepare(TaskSpec spec, bool canMount)
    {
        var binds = new List<BindMount>();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var workingDirectory = Path.GetFullPath(spec.WorkingDirectory);
        foreach (var file in spec.Files)
        {
            if (!Path.IsPathFullyQualified(file.HostPath))
            {
                throw new TaskStartException($"file {file.Name}: the host path must be absolute: {file.HostPath}");
            }

            var isDirectory = Directory.Exists(file.HostPath);
            if (!isDirectory && !File.Exists(file.HostPath))
            {
                throw new TaskStartException($"file {file.Name}: {file.HostPath} does not exist in the file store");
            }

            var target = Path.GetFullPath(Path.Combine(workingDirectory, file.JobPath));
            if (Path.IsPathRooted(file.JobPath) || file.JobPath.Split('/', '\\').Contains("..")
                || !target.StartsWith(workingDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new TaskStartException($"file {file.Name}: {file.JobPath} must be a path inside the working folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            RemoveLink(target);
            if (canMount)
            {
                // The mount point: a folder for a folder, an empty file for a file.
                if (isDirectory)
                {
                    Directory.CreateDirectory(target);
                }
                else if (!File.Exists(target))
                {
                    File.WriteAllBytes(target, []);
                }

                binds.Add(new BindMount(Path.GetFullPath(file.HostPath), target, file.ReadOnly));
            }
            else
            {
                if (Directory.Exists(target) || File.Exists(target))
                {
                    throw new TaskStartException($"file {file.Name}: {file.JobPath} already exists in the working folder");
                }

                File.CreateSymbolicLink(target, Path.GetFullPath(file.HostPath));
                SetWritable(file.HostPath, isDirectory, !file.ReadOnly);
            }

            paths[file.Name] = target;
        }

        return (binds, paths);
    }

    private static void RemoveLink(string target)
    {
        var info = new FileInfo(target);
        if (info.LinkTarget is not null)
        {
            info.Delete();
        }
    }

    private static void SetWritable(string path, bool isDirectory, bool writable)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Apply(path);
        if (isDirectory)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
            {
                Apply(entry);
            }
        }

        void Apply(string entry)
        {
            var mode = File.GetUnixFileMode(entry);
            const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
            File.SetUnixFileMode(entry, writable ? mode | UnixFileMode.UserWrite : mode & ~anyWrite);
        }
    }
}
