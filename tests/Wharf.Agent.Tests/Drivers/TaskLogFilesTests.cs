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

    [Fact]
    public async Task Follow_OfAnEmptyFile_ReadsTheRotatedBytesOnlyOnceLinesCome_AndGoesOnAtThatOffset()
    {
        // The file is empty when the reader opens it; the count of rotated bytes is recorded afterwards (another
        // reader rotated meanwhile), and the first line written then is at that offset.
        var ended = new TaskCompletionSource();
        var stdout = TaskLogFiles.StdoutPath(_directory.Path);
        await File.WriteAllTextAsync(stdout, "");
        var lines = new List<TaskLogLine>();
        var following = Task.Run(async () =>
        {
            await foreach (var line in TaskLogFiles.FollowAsync(_directory.Path, ended.Task, TimeSpan.FromMilliseconds(10), CancellationToken.None))
            {
                lines.Add(line);
            }
        });

        await Task.Delay(100);
        await File.WriteAllTextAsync(stdout + TaskLogFiles.RotatedBytesSuffix, "20");
        await File.AppendAllTextAsync(stdout, "e\nf\n");
        ended.SetResult();
        await following.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([("e", 20L), ("f", 22L)], lines.Select(l => (l.Text, l.Offset)));
    }

    [Fact]
    public async Task Follow_PastTheLimit_RotatesByCopyAndTruncate_KeepingOneOlderFile_AndOffsetsGoOn()
    {
        var stdout = TaskLogFiles.StdoutPath(_directory.Path);
        await File.WriteAllTextAsync(stdout, "aaaa\nbbbb\n");

        var first = await ReadAsync(maxFileBytes: 8);
        Assert.Equal([("aaaa", 0L), ("bbbb", 5L)], first.Select(l => (l.Text, l.Offset)));
        Assert.Equal(0, new FileInfo(stdout).Length);
        Assert.Equal("aaaa\nbbbb\n", await File.ReadAllTextAsync(stdout + TaskLogFiles.OlderFileSuffix));

        // The writer goes on appending to the emptied file; a new reader (a restarted agent) goes on at the same offsets.
        await File.AppendAllTextAsync(stdout, "cccc\ndddd\n");
        var second = await ReadAsync(maxFileBytes: 8);
        Assert.Equal([("cccc", 10L), ("dddd", 15L)], second.Select(l => (l.Text, l.Offset)));
        Assert.Equal("cccc\ndddd\n", await File.ReadAllTextAsync(stdout + TaskLogFiles.OlderFileSuffix));
        Assert.Equal("20", await File.ReadAllTextAsync(stdout + TaskLogFiles.RotatedBytesSuffix));

        await File.AppendAllTextAsync(stdout, "e\n");
        var third = await ReadAsync(maxFileBytes: 8);
        Assert.Equal([("e", 20L)], third.Select(l => (l.Text, l.Offset)));
        Assert.Equal("e\n", await File.ReadAllTextAsync(stdout));
    }

    [Fact]
    public async Task Follow_RotatingWhileTheTaskWrites_KeepsLinesWhole_AcrossRotations()
    {
        var ended = new TaskCompletionSource();
        var stdout = TaskLogFiles.StdoutPath(_directory.Path);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<TaskLogLine>();
        var following = Task.Run(async () =>
        {
            await foreach (var line in TaskLogFiles.FollowAsync(_directory.Path, ended.Task, TimeSpan.FromMilliseconds(5), 100, CancellationToken.None))
            {
                lines.Enqueue(line);
            }
        });

        // Each line in two pieces with polls between, so that rotations fall inside lines too. The next line waits for
        // the last to be read: what is written at the very moment of a truncation would be lost (copy-truncate's gap).
        for (var i = 0; i < 40; i++)
        {
            await File.AppendAllTextAsync(stdout, $"line {i:00} ");
            await Task.Delay(20);
            await File.AppendAllTextAsync(stdout, "end\n");
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (lines.Count <= i && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2);
            }
        }

        ended.SetResult();
        await following.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"line {i:00} end"), lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i * 12L), lines.Select(l => l.Offset));
        Assert.Contains(" end\n", await File.ReadAllTextAsync(stdout + TaskLogFiles.OlderFileSuffix), StringComparison.Ordinal);
        Assert.True(new FileInfo(stdout).Length < 100 + 12, "the file was not kept under its limit");
    }

    [Fact]
    public async Task Follow_OfAShellAppendingThroughOneDescriptor_KeepsTheFileSmall_AndTheWriterGoesOnAtItsNewEnd()
    {
        var stdout = TaskLogFiles.StdoutPath(_directory.Path);
        // As the process driver's supervisor does: one descriptor opened with >> for the task's whole life.
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "exec >>\"$0\"; i=0; while [ $i -lt 50 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.01; done", stdout } };
        using var process = System.Diagnostics.Process.Start(info)!;
        var lines = new List<TaskLogLine>();
        await foreach (var line in TaskLogFiles.FollowAsync(_directory.Path, process.WaitForExitAsync(), TimeSpan.FromMilliseconds(5), 100, CancellationToken.None))
        {
            lines.Add(line);
        }

        // Without append mode the writer would go on at its old position, leaving a hole as large as what was moved out.
        Assert.True(new FileInfo(stdout).Length < 200, $"stdout.log is {new FileInfo(stdout).Length} bytes");
        Assert.True(File.Exists(stdout + TaskLogFiles.OlderFileSuffix));
        Assert.Equal("line 49", lines[^1].Text);
        Assert.All(lines, l => Assert.Matches("^line [0-9]+$", l.Text));
        Assert.True(lines.Zip(lines.Skip(1)).All(p => p.First.Offset < p.Second.Offset), "offsets do not grow");
    }

    private async Task<List<TaskLogLine>> ReadAsync(long maxFileBytes)
    {
        var lines = new List<TaskLogLine>();
        await foreach (var line in TaskLogFiles.FollowAsync(_directory.Path, Task.CompletedTask, TimeSpan.FromSeconds(10), maxFileBytes, CancellationToken.None))
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Dispose() => _directory.Dispose();
}
