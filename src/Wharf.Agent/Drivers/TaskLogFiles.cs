using System.Runtime.CompilerServices;
using System.Text;

namespace Wharf.Agent.Drivers;

/// <summary>
/// Where a task's output lives and how to read it while it grows. Every driver writes a rank's standard output to
/// <c>&lt;log directory&gt;/stdout.log</c> and its standard error to <c>stderr.log</c>, byte for byte.
/// </summary>
public static class TaskLogFiles
{
    /// <summary>The file name of standard output in a task's log directory.</summary>
    public const string StdoutFileName = "stdout.log";

    /// <summary>The file name of standard error in a task's log directory.</summary>
    public const string StderrFileName = "stderr.log";

    // A line longer than this is cut into pieces rather than held in memory while it never ends.
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>The standard output file in a log directory.</summary>
    public static string StdoutPath(string logDirectory) => Path.Combine(logDirectory, StdoutFileName);

    /// <summary>The standard error file in a log directory.</summary>
    public static string StderrPath(string logDirectory) => Path.Combine(logDirectory, StderrFileName);

    /// <summary>
    /// Every line in the log directory's files from the first, then new lines as they are written (checked every
    /// <paramref name="pollInterval"/>), until <paramref name="ended"/> completes; then the rest is read, a last line
    /// without a line ending included, and the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<TaskLogLine> FollowAsync(
        string logDirectory, Task ended, TimeSpan pollInterval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        using var stdout = new LogFileReader(TaskLogStream.Stdout, StdoutPath(logDirectory));
        using var stderr = new LogFileReader(TaskLogStream.Stderr, StderrPath(logDirectory));
        while (true)
        {
            // Look at "ended" before reading: whatever the task wrote before it ended is then read in this pass.
            var last = ended.IsCompleted;
            foreach (var line in stdout.ReadAvailable(last))
            {
                yield return line;
            }

            foreach (var line in stderr.ReadAvailable(last))
            {
                yield return line;
            }

            if (last)
            {
                yield break;
            }

            await Task.WhenAny(ended, Task.Delay(pollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private sealed class LogFileReader(TaskLogStream stream, string path) : IDisposable
    {
        private readonly List<byte> _pending = [];
        private FileStream? _file;
        private long _position;
        private long _pendingOffset;

        public List<TaskLogLine> ReadAvailable(bool final)
        {
            var lines = new List<TaskLogLine>();
            if (_file is null)
            {
                try
                {
                    _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                }
                catch (FileNotFoundException)
                {
                    return lines;
                }
                catch (DirectoryNotFoundException)
                {
                    return lines;
                }
            }

            if (_file.Length < _position)
            {
                // The file was truncated (rotated by copy and truncate): start again from its beginning.
                _position = 0;
                _pending.Clear();
                _pendingOffset = 0;
            }

            _file.Position = _position;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = _file.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        lines.Add(TakeLine());
                        _pendingOffset = _position + i + 1;
                    }
                    else
                    {
                        _pending.Add(buffer[i]);
                        if (_pending.Count >= MaxLineBytes)
                        {
                            lines.Add(TakeLine());
                            _pendingOffset = _position + i + 1;
                        }
                    }
                }

                _position += read;
            }

            if (final && _pending.Count > 0)
            {
                lines.Add(TakeLine());
                _pendingOffset = _position;
            }

            return lines;
        }

        private TaskLogLine TakeLine()
        {
            var count = _pending.Count;
            if (count > 0 && _pending[count - 1] == (byte)'\r')
            {
                count--;
            }

            var text = Encoding.UTF8.GetString([.. _pending.GetRange(0, count)]);
            _pending.Clear();
            return new TaskLogLine(stream, text, _pendingOffset);
        }

        public void Dispose() => _file?.Dispose();
    }
}
