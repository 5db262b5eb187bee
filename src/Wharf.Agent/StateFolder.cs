using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Agent;

/// <summary>
/// The agent's folder on disk: <c>agent-id</c> (the id the server gave it) and <c>tasks/&lt;job&gt;-&lt;rank&gt;.json</c>
/// (a <see cref="PersistedTask"/> per task it runs). Files are written whole and renamed into place, so a crash leaves
/// either the old or the new content, never half of one.
/// </summary>
internal sealed class StateFolder
{
    private const string AgentIdFileName = "agent-id";
    private readonly string _tasks;
    private readonly ILogger _log;

    public StateFolder(string root, ILogger log)
    {
        Root = Path.GetFullPath(root);
        _tasks = Path.Combine(Root, "tasks");
        _log = log;
        Directory.CreateDirectory(_tasks);
    }

    public string Root { get; }

    public string? LoadAgentId()
    {
        var path = Path.Combine(Root, AgentIdFileName);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id ? id : null;
    }

    public void SaveAgentId(string agentId) => WriteAtomically(Path.Combine(Root, AgentIdFileName), Encoding.UTF8.GetBytes(agentId + "\n"), flushToDisk: true);

    /// <summary>Every task file that can be read; one that cannot is renamed <c>*.unreadable</c> and left for people.</summary>
    public IReadOnlyList<PersistedTask> LoadTasks()
    {
        var tasks = new List<PersistedTask>();
        foreach (var path in Directory.EnumerateFiles(_tasks, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var task = JsonSerializer.Deserialize<PersistedTask>(File.ReadAllText(path), WharfJson.Options)
                    ?? throw new JsonException("the file holds null");
                tasks.Add(task);
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                _log.LogWarning(e, "The task file {Path} cannot be read; it is set aside as {Path}.unreadable", path, path);
                File.Move(path, path + ".unreadable", overwrite: true);
            }
        }

        return tasks;
    }

    /// <remarks>
    /// Not flushed to the disk: a task file only matters to an agent restarted within the same boot (a task of an
    /// earlier boot is never taken back, its processes are gone), and then the file is in the page cache. After a
    /// power cut a half-written file is set aside as unreadable, and the server learns that those tasks are lost as
    /// it would anyway. The flush cost a disk round trip on every task start.
    /// </remarks>
    public void SaveTask(PersistedTask task) =>
        WriteAtomically(TaskPath(new TaskRef(task.Assignment.JobId, task.Assignment.Rank)), JsonSerializer.SerializeToUtf8Bytes(task, WharfJson.Options), flushToDisk: false);

    public void RemoveTask(TaskRef task) => File.Delete(TaskPath(task));

    private string TaskPath(TaskRef task) => Path.Combine(_tasks, $"{DataFolder.Segment(task.JobId)}-{task.Rank}.json");

    private static void WriteAtomically(string path, byte[] content, bool flushToDisk)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        // No buffer of its own: the content goes in one write.
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(content);
            // Flushed to the disk before the rename where it must survive a power cut: an empty file under the real
            // name is what a crash could otherwise leave.
            file.Flush(flushToDisk);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
