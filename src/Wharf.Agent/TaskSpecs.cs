using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;
using Wharf.Templates;
using DriverFileMount = Wharf.Agent.Drivers.FileMount;

namespace Wharf.Agent;

/// <summary>Turns the server's <see cref="TaskAssignment"/> into the <see cref="TaskSpec"/> a driver runs, on this node's folders.</summary>
internal static class TaskSpecs
{
    /// <summary>
    /// The spec of an assignment. A writable file-store path that does not exist yet is created as an empty folder (a
    /// job's data folder starts empty); a read-only one must exist. Throws <see cref="TaskStartException"/>
    /// for a file path that leaves the owner's store.
    /// </summary>
    public static TaskSpec From(TaskAssignment assignment, DataFolder data)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var environment = new Dictionary<string, string>(assignment.Environment, StringComparer.Ordinal)
        {
            ["WHARF_NODE_ID"] = assignment.NodeId,
            ["WHARF_PROJECT"] = assignment.Owner.Project,
            ["WHARF_USER"] = assignment.Owner.CreatedBy,
        };
        return new TaskSpec
        {
            JobId = assignment.JobId,
            Rank = assignment.Rank,
            Replicas = assignment.Replicas,
            Command = assignment.Command,
            Environment = environment,
            WorkingDirectory = data.WorkingDirectory(assignment.JobId, assignment.Rank),
            LogDirectory = data.LogDirectory(assignment.JobId, assignment.Rank),
            Ports = assignment.Ports,
            Peers = assignment.Peers.ToDictionary(
                p => p.Hostname,
                p => new TaskPeer
                {
                    JobId = p.JobId,
                    // Not known yet: the hostname is the best the job can be given (it resolves where the driver isolates).
                    Address = p.Address ?? p.Hostname,
                    Ports = p.Ports ?? new Dictionary<string, int>(),
                },
                StringComparer.Ordinal),
            Files = Files(assignment, data),
            DriverConfig = assignment.DriverConfig,
        };
    }

    /// <summary>
    /// Renders the application's templates into the working folder once the driver has settled the rank's address and
    /// ports; a template that cannot be rendered (a property without a value) fails the start, naming the file.
    /// </summary>
    public static Task RenderTemplates(
        TaskAssignment assignment, DataFolder data, TaskLaunchContext launch, Action<IReadOnlyList<RenderedFileContent>>? rendered)
    {
        var context = new TemplateContext
        {
            JobId = assignment.JobId,
            JobName = assignment.JobName ?? "",
            Rank = assignment.Rank,
            Replicas = assignment.Replicas,
            Address = launch.Address,
            Ports = launch.Ports,
            Peers = assignment.Peers.ToDictionary(
                p => p.Hostname,
                p => new TemplatePeer(p.JobId, launch.PeerAddresses.GetValueOrDefault(p.Hostname) ?? p.Address ?? p.Hostname, p.Ports ?? new Dictionary<string, int>()),
                StringComparer.Ordinal),
            Properties = assignment.Properties,
        };
        IReadOnlyList<RenderedFile> files;
        try
        {
            files = TemplateRenderer.Render(assignment.Templates, context);
            TemplateRenderer.Write(data.WorkingDirectory(assignment.JobId, assignment.Rank), files);
        }
        catch (Exception e) when (e is TemplateException or IOException or UnauthorizedAccessException)
        {
            throw new TaskStartException($"templates: {e.Message}", e);
        }

        rendered?.Invoke([.. files.Select(f => new RenderedFileContent(f.Path, f.Content, f.Executable))]);
        return Task.CompletedTask;
    }

    private static List<DriverFileMount> Files(TaskAssignment assignment, DataFolder data)
    {
        var mounts = new List<DriverFileMount>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in assignment.Files)
        {
            var hostPath = data.ResolveFile(assignment.Owner, file.Path);
            if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            {
                // UCloud's `file` parameters name files and folders alike (seed 000 gives the database a folder to
                // persist to). A writable path that does not exist yet becomes an empty folder for the job to fill;
                // a read-only one must exist, since the job could never put anything there.
                if (file.ReadOnly)
                {
                    throw new TaskStartException($"{file.Name}: {file.Path} does not exist in the file store");
                }

                Directory.CreateDirectory(hostPath);
            }

            // The job sees each file under its own name in its working folder, as UCloud mounts folders in /work.
            var name = Path.GetFileName(hostPath.TrimEnd(Path.DirectorySeparatorChar));
            var jobPath = string.IsNullOrEmpty(name) || hostPath == data.ProjectFiles(assignment.Owner) ? DataFolder.Segment(file.Name) : name;
            var candidate = jobPath;
            for (var n = 2; !taken.Add(candidate); n++)
            {
                candidate = $"{jobPath}-{n}";
            }

            mounts.Add(new DriverFileMount { Name = file.Name, HostPath = hostPath, JobPath = candidate, ReadOnly = file.ReadOnly });
        }

        return mounts;
    }
}
