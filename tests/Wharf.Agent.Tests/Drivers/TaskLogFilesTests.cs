using Wharf.Agent.Drivers;
using Wharf.Agent.Tests.Support;

namespace Wharf.Agent.Tests.Drivers;

public sealed class TaskLogFilesTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Follow_YieldsLinesAsTheyAreWritten_AndLastLineWithoutEnding()
    {
        var ended = new TaskCompletionSource();
        var stdout = TaskLogFiles.StdoutPath(_directory.Path);
        await File.WriteAllTextAsync(stdout, "one\r\ntw");
        var lines = new List<TaskLogLine>();
        var following = Task.Run(async () =>
        {
            await foreach (var line in TaskLogFiles.FollowAsync(_directory.Path, ended.Task, TimeSpan.FromMilliseconds(10), CancellationToken.None))
            {
                lines.Add(line);
            }
        });

        await Task.Delay(100);
        await File.AppendAllTextAsync(stdout, "o\nthree");
        await File.WriteAllTextAsync(TaskLogFiles.StderrPath(_directory.Path), "héllo\n");
        await Task.Delay(100);
        ended.SetResult();
        await following.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["one", "two", "three"], lines.Where(l => l.Stream == TaskLogStream.Stdout).Select(l => l.Text));
        Assert.Equal([0L, 5L, 9L], lines.Where(l => l.Stream == TaskLogStream.Stdout).Select(l => l.Offset));
        Assert.Equal(["héllo"], lines.Where(l => l.Stream == TaskLogStream.Stderr).Select(l => l.Text));
    }

    [Fact]
    public async Task Follow_EndsAtOnce_WhenTaskEndedAndNothingWasWritten()
    {
        var lines = new List<TaskLogLine>();
        await foreach (var line in TaskLogFiles.FollowAsync(_directory.Combine("missing"), Task.CompletedTask, TimeSpan.FromSeconds(10), CancellationToken.None))
        {
            lines.Add(line);
        }

        Assert.Empty(lines);
    }

    public void Dispose() => _directory.Dispose();
}
