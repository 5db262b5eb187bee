using Wharf.Agent.Drivers;
using Wharf.Domain.Jobs;

namespace Wharf.Agent;

/// <summary>
/// The jobs' folder on a node: the file store, <c>files/&lt;project&gt;/…</c>, and each rank's folder,
/// <c>jobs/&lt;jobId&gt;/&lt;rank&gt;</c>, which holds the rank's logs and its working folder, <c>work</c>. Names
/// from the wire become single path segments (<see cref="Segment"/>), so no job id or project can point outside it.
/// </summary>
/// <remarks>
/// The logs are in the rank's folder itself, not in a folder of their own: on ext4 each new folder costs an inode
/// search, and a rank's folders were the largest file-system cost of starting a trivial job.
/// </remarks>
internal sealed class DataFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string WorkingDirectory(string jobId, int rank) => Path.Combine(RankFolder(jobId, rank), "work");

    public string LogDirectory(string jobId, int rank) => RankFolder(jobId, rank);

    /// <summary>The root of a project's file store.</summary>
    public string ProjectFiles(Owner owner) => Path.Combine(Root, "files", Segment(owner.Project));

    /// <summary>
    /// The host path of a path in the owner's file store (<c>/123/acme-database</c>); throws
    /// <see cref="TaskStartException"/> when the path leaves the store (<c>../</c>).
    /// </summary>
    public string ResolveFile(Owner owner, string path)
    {
        var store = ProjectFiles(owner);
        var relative = path.Replace('\\', '/').TrimStart('/');
        var full = Path.GetFullPath(Path.Combine(store, relative));
        if (full != store && !full.StartsWith(store + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new TaskStartException($"the file path '{path}' leaves the project's file store");
        }

        return full;
    }

    /// <summary>A name as one path segment: kept when it is a plain name, percent-encoded when it holds a separator or is only dots.</summary>
    public static string Segment(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "_";
        }

        var escaped = Uri.EscapeDataString(name);
        return escaped.Trim('.').Length == 0 ? escaped.Replace(".", "%2E", StringComparison.Ordinal) : escaped;
    }

    private string RankFolder(string jobId, int rank) =>
        Path.Combine(Root, "jobs", Segment(jobId), rank.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
