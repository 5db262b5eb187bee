using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Wharf.Agent.Drivers;
using Wharf.Agent.Loop.Tests.Support;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Agent.Loop.Tests;

public sealed class StateFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wharf-state-" + Guid.NewGuid().ToString("N")[..12]);

    private string JournalPath => Path.Combine(_root, "tasks.journal");

    [Fact]
    public void LoadTasks_ReplaysSavesAndRemovals_OfAnEarlierAgent()
    {
        var state = NewState();
        state.SaveTask(NewTask("a"));
        state.SaveTask(NewTask("b"));
        state.SaveTask(NewTask("b", rank: 1));
        state.RemoveTask(new TaskRef("b", 0));

        Assert.Equal(["a/0", "b/1"], Names(NewState().LoadTasks()));
        Assert.Equal(["a/0", "b/1"], Names(StateFolder.ReadTasks(_root)));
    }

    [Fact]
    public void LoadTasks_KeepsTheLastSave_OfATask()
    {
        var state = NewState();
        state.SaveTask(NewTask("a", shipped: 1));
        state.SaveTask(NewTask("a", shipped: 7));
        state.SaveTask(NewTask("a", shipped: 3));

        var task = Assert.Single(NewState().LoadTasks());
        Assert.Equal(3, task.Logs.Stdout);
        Assert.Equal("task-a-0", task.Handle.TaskId);
    }

    [Fact]
    public void LoadTasks_SkipsAHalfWrittenLastLine_AndKeepsItForPeople()
    {
        var state = NewState();
        state.SaveTask(NewTask("a"));
        state.SaveTask(NewTask("b"));
        // A crash in the middle of the last write.
        var content = File.ReadAllBytes(JournalPath);
        File.WriteAllBytes(JournalPath, content[..^40]);
        var torn = Encoding.UTF8.GetString(content[..^40]).Split('\n')[^1];

        var restarted = NewState();
        Assert.Equal(["a/0"], Names(restarted.LoadTasks()));
        Assert.Equal(torn + "\n", File.ReadAllText(JournalPath + ".unreadable"));

        // The torn line is gone from the journal: what is appended next reads on its own.
        restarted.SaveTask(NewTask("c"));
        Assert.Equal(["a/0", "c/0"], Names(NewState().LoadTasks()));
    }

    [Fact]
    public void LoadTasks_ReadsTheLinesAfterAnUnreadableOne()
    {
        var lines = File.ReadAllLines(WriteJournal(NewTask("a"), NewTask("b"), NewTask("c")));
        File.WriteAllText(JournalPath, $"{lines[0]}\n{lines[1][..30]}\n{lines[2]}\n");

        Assert.Equal(["a/0", "c/0"], Names(NewState().LoadTasks()));
        Assert.Equal(lines[1][..30] + "\n", File.ReadAllText(JournalPath + ".unreadable"));
    }

    [Fact]
    public void ReadTasks_SkipsALineBeingWritten_AndChangesNothing()
    {
        var content = File.ReadAllBytes(WriteJournal(NewTask("a"), NewTask("b")))[..^25];
        File.WriteAllBytes(JournalPath, content);

        Assert.Equal(["a/0"], Names(StateFolder.ReadTasks(_root)));
        Assert.Equal(content, File.ReadAllBytes(JournalPath));
        Assert.False(File.Exists(JournalPath + ".unreadable"));
    }

    [Fact]
    public void Journal_IsCompacted_ToExactlyTheLiveTasks()
    {
        var state = NewState();
        for (var i = 0; i < 3000; i++)
        {
            state.SaveTask(NewTask("job" + (i % 10), shipped: i));
        }

        // Well past 1,000 lines were appended, but never more than that many stay.
        Assert.True(LineCount() <= 1000, $"{LineCount()} lines");
        for (var i = 0; i < 5; i++)
        {
            state.RemoveTask(new TaskRef("job" + i, 0));
        }

        var restarted = NewState();
        var tasks = restarted.LoadTasks();
        Assert.Equal(["job5/0", "job6/0", "job7/0", "job8/0", "job9/0"], Names(tasks));
        Assert.Equal([2995L, 2996, 2997, 2998, 2999], tasks.Select(t => t.Logs.Stdout));
        // Loading compacts too: one save per live task and nothing else.
        Assert.Equal(5, LineCount());
    }

    [Fact]
    public void LoadTasks_TakesOverTheTaskFilesOfAnEarlierVersion()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "tasks")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "old-0.json"), JsonSerializer.SerializeToUtf8Bytes(NewTask("old"), WharfJson.Options));
        File.WriteAllBytes(Path.Combine(folder, "old-1.json"), JsonSerializer.SerializeToUtf8Bytes(NewTask("old", rank: 1), WharfJson.Options));
        File.WriteAllText(Path.Combine(folder, "broken-0.json"), "{\"assignment\":");
        Assert.Equal(["old/0", "old/1"], Names(StateFolder.ReadTasks(_root)));

        var upgraded = NewState();
        Assert.Equal(["old/0", "old/1"], Names(upgraded.LoadTasks()));
        // Only the unreadable file is left, for people; the journal holds the others.
        Assert.Equal(["broken-0.json.unreadable"], Directory.GetFiles(folder).Select(f => Path.GetFileName(f)));
        upgraded.RemoveTask(new TaskRef("old", 0));
        Assert.Equal(["old/1"], Names(NewState().LoadTasks()));
    }

    [Fact]
    public void LoadTasks_PrefersTheJournal_ToATaskFileItAlreadyTookOver()
    {
        // A crash after the journal took the file over but before the file was deleted.
        WriteJournal(NewTask("a", shipped: 9));
        var folder = Directory.CreateDirectory(Path.Combine(_root, "tasks")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a-0.json"), JsonSerializer.SerializeToUtf8Bytes(NewTask("a", shipped: 2), WharfJson.Options));

        Assert.Equal(9, Assert.Single(NewState().LoadTasks()).Logs.Stdout);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Close_LetsGoOfTheJournalsFile_AndALaterChangeOpensItAgain()
    {
        var state = NewState();
        state.SaveTask(NewTask("a"));
        Assert.Equal(1, OpenHandlesOf(JournalPath));

        state.Close();
        Assert.Equal(0, OpenHandlesOf(JournalPath));

        state.RemoveTask(new TaskRef("a", 0));
        state.SaveTask(NewTask("b"));
        Assert.Equal(1, OpenHandlesOf(JournalPath));
        state.Close();
        Assert.Equal(["b/0"], Names(NewState().LoadTasks()));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private StateFolder NewState() => new(_root, NullLogger.Instance);

    /// <summary>A journal that holds these saves, written by an agent that has stopped; returns its path.</summary>
    private string WriteJournal(params PersistedTask[] tasks)
    {
        var state = NewState();
        foreach (var task in tasks)
        {
            state.SaveTask(task);
        }

        return JournalPath;
    }

    /// <summary>How many of this process's file descriptors refer to <paramref name="path"/>.</summary>
    private static int OpenHandlesOf(string path) =>
        Directory.GetFiles("/proc/self/fd").Count(fd => new FileInfo(fd).LinkTarget == path);

    private int LineCount() => File.ReadAllLines(JournalPath).Length;

    private static List<string> Names(IEnumerable<PersistedTask> tasks) =>
        [.. tasks.Select(t => $"{t.Assignment.JobId}/{t.Assignment.Rank}")];

    private static PersistedTask NewTask(string jobId, int rank = 0, long shipped = -1) => new(
        AgentTestBed.Assignment(jobId, rank),
        new TaskHandleState
        {
            TaskId = $"task-{jobId}-{rank}",
            DriverKind = "fake",
            Spec = new TaskSpec { JobId = jobId, Command = ["true"], WorkingDirectory = "/tmp", LogDirectory = "/tmp" },
        },
        new LogCursor(Stdout: shipped));
}
