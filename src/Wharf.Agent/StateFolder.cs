using System.Text;
using Microsoft.Extensions.Logging;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// The agent's folder on disk: <c>agent-id</c> (the id the server gave it) and <c>tasks.journal</c> (the
/// <see cref="PersistedTask"/> of each task it runs, see <see cref="TaskJournal"/>).
/// </summary>
internal sealed class StateFolder
{
    private const string AgentIdFileName = "agent-id";
    private readonly TaskJournal _tasks;

    public StateFolder(string root, ILogger log)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        _tasks = new TaskJournal(Root, log);
    }

    public string Root { get; }

    public string? LoadAgentId()
    {
        var path = Path.Combine(Root, AgentIdFileName);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id ? id : null;
    }

    /// <summary>Written whole and renamed into place, flushed to the disk first: the id must survive a power cut.</summary>
    public void SaveAgentId(string agentId)
    {
        var path = Path.Combine(Root, AgentIdFileName);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        // No buffer of its own: the content goes in one write.
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(Encoding.UTF8.GetBytes(agentId + "\n"));
            // Flushed before the rename: an empty file under the real name is what a crash could otherwise leave.
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The tasks saved and not removed: those of the journal, where a line that cannot be read is skipped with a
    /// warning and kept in <c>tasks.journal.unreadable</c> for people, and those of task files of earlier versions
    /// (<c>tasks/*.json</c>), which the journal takes over (one that cannot be read is renamed <c>*.unreadable</c>).
    /// </summary>
    public IReadOnlyList<PersistedTask> LoadTasks() => _tasks.Load();

    /// <remarks>
    /// One line appended to the journal, not flushed to the disk: the journal only matters to an agent restarted
    /// within the same boot (a task of an earlier boot is never taken back, its processes are gone), and then it is in
    /// the page cache. After a power cut a half-written line is skipped, and the server learns that those tasks are
    /// lost as it would anyway. A flush cost a disk round trip on every task start.
    /// </remarks>
    public void SaveTask(PersistedTask task) => _tasks.Save(task);

    /// <summary>One line appended to the journal (not flushed either), that forgets the task.</summary>
    public void RemoveTask(TaskRef task) => _tasks.Remove(task);

    /// <summary>Closes the task journal's file when the agent stops (a later change opens it again).</summary>
    public void Close() => _tasks.Close();

    /// <summary>
    /// The tasks that the state folder at <paramref name="root"/> holds, as <see cref="LoadTasks"/> would find them,
    /// read without changing anything, while an agent may be writing it.
    /// </summary>
    public static IReadOnlyList<PersistedTask> ReadTasks(string root) => TaskJournal.Read(Path.GetFullPath(root));
}
