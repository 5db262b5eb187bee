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

    public void SaveAgentId(string agentId) => WriteAtomically(Path.Combine(Root, AgentIdFileName), agentId + "\n");

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

    public void SaveTask(PersistedTask task) =>
        WriteAtomically(TaskPath(new TaskRef(task.Assignment.JobId, task.Assignment.Rank)), JsonSerializer.Serialize(task, WharfJson.Options));

    public void RemoveTask(TaskRef task) => File.Delete(TaskPath(task));

    private string TaskPath(TaskRef task) => Path.Combine(_tasks, $"{DataFolder.Segment(task.JobId)}-{task.Rank}.json");

    private static void WriteAtomically(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(text));
            // Flushed to the disk before the rename, so that a power cut cannot leave an empty file under the real name.
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
