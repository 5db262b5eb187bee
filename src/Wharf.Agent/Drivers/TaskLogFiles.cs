using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Wharf.Agent.Drivers;

/// <summary>
/// Where a task's output lives and how to read it while it grows. Every driver writes a rank's standard output to
/// <c>&lt;log directory&gt;/stdout.log</c> and its standard error to <c>stderr.log</c>, byte for byte, appending.
/// </summary>
/// <remarks>
/// The reader also rotates them by size, so that a chatty rank does not fill the node's disk whatever its driver:
/// once read past <see cref="MaxFileBytes"/>, a file is copied to <c>stdout.log.1</c> (replacing the older copy) and
/// emptied in place — copy and truncate, since the writer keeps its descriptor open in append mode and goes on at the
/// new end. What the task writes between the reader's last look and the truncation (microseconds) is lost. A line's
/// <see cref="TaskLogLine.Offset"/> counts from the stream's first byte ever, across rotations:
/// <c>stdout.log.rotated</c> holds how many bytes were moved out, so a reader that starts again (a restarted rank, a
/// restarted agent) goes on at the same offsets and does not send lines twice.
/// </remarks>
public static class TaskLogFiles
{
    /// <summary>The file name of standard output in a task's log directory.</summary>
    public const string StdoutFileName = "stdout.log";

    /// <summary>The file name of standard error in a task's log directory.</summary>
    public const string StderrFileName = "stderr.log";

    /// <summary>The size past which the reader rotates a task's output file (to <c>&lt;file&gt;.1</c>).</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>What is added to an output file's name for the older copy that rotation keeps.</summary>
    public const string OlderFileSuffix = ".1";

    /// <summary>What is added to an output file's name for the file holding how many bytes rotation moved out of it.</summary>
    public const string RotatedBytesSuffix = ".rotated";

    // A line longer than this is cut into pieces rather than held in memory while it never ends.
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>The standard output file in a log directory.</summary>
    public static string StdoutPath(string logDirectory) => Path.Combine(logDirectory, StdoutFileName);

    /// <summary>The standard error file in a log directory.</summary>
    public static string StderrPath(string logDirectory) => Path.Combine(logDirectory, StderrFileName);

    /// <summary>
    /// Every line in the log directory's files from the first, then new lines as they are written (checked every
    /// <paramref name="pollInterval"/>), until <paramref name="ended"/> completes; then the rest is read, a last line
    /// without a line ending included, and the enumeration ends. Files are rotated past <see cref="MaxFileBytes"/>.
    /// </summary>
    public static IAsyncEnumerable<TaskLogLine> FollowAsync(string logDirectory, Task ended, TimeSpan pollInterval, CancellationToken cancellationToken) =>
        FollowAsync(logDirectory, ended, pollInterval, MaxFileBytes, cancellationToken);

    /// <summary>
    /// <see cref="FollowAsync(string, Task, TimeSpan, CancellationToken)"/>, rotating each file once it has been read
    /// past <paramref name="maxFileBytes"/> (see the remarks of <see cref="TaskLogFiles"/>).
    /// </summary>
    public static async IAsyncEnumerable<TaskLogLine> FollowAsync(
        string logDirectory, Task ended, TimeSpan pollInterval, long maxFileBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFileBytes, 1);
        using var stdout = new LogFileReader(TaskLogStream.Stdout, StdoutPath(logDirectory), maxFileBytes);
        using var stderr = new LogFileReader(TaskLogStream.Stderr, StderrPath(logDirectory), maxFileBytes);
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

    private sealed class LogFileReader(TaskLogStream stream, string path, long maxFileBytes) : IDisposable
    {
        private readonly List<byte> _pending = [];
        // Taken once there is something to read: most ranks never write to one of their streams (or to either).
        private byte[]? _buffer;
        private FileStream? _file;
        // Bytes of the stream moved to older files before this file's first byte: a line's offset is _rotated + its position.
        private long _rotated;
        private bool _rotatedKnown;
        private long _position;
        private long _pendingOffset;

        private string RotatedBytesPath => path + RotatedBytesSuffix;

        private byte[] Buffer => _buffer ??= new byte[16 * 1024];

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

            if (!_rotatedKnown)
            {
                // Looked up once there is something to read: most ranks never write to one of their streams (or
                // to either), and then the file of rotated bytes, which rarely exists, is not even looked for.
                if (_file.Length == 0)
                {
                    return lines;
                }

                _rotated = ReadRotatedBytes();
                _pendingOffset = _rotated;
                _rotatedKnown = true;
            }

            if (_file.Length < _position)
            {
                // Emptied by another reader's rotation (two readers overlap briefly across a restart): go on from its
                // beginning, at the offsets that reader recorded.
                _rotated = ReadRotatedBytes();
                _position = 0;
                _pending.Clear();
                _pendingOffset = _rotated;
            }

            Read(lines, final, copy: null);
            if (_position >= maxFileBytes)
            {
                Rotate(lines, final);
            }

            return lines;
        }

        /// <summary>Reads from the position to the end, adding each line (and copying the bytes to <paramref name="copy"/>).</summary>
        private void Read(List<TaskLogLine> lines, bool final, FileStream? copy)
        {
            _file!.Position = _position;
            var buffer = Buffer;
            int read;
            while ((read = _file.Read(buffer, 0, buffer.Length)) > 0)
            {
                copy?.Write(buffer, 0, read);
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        lines.Add(TakeLine());
                        _pendingOffset = _rotated + _position + i + 1;
                    }
                    else
                    {
                        _pending.Add(buffer[i]);
                        if (_pending.Count >= MaxLineBytes)
                        {
                            lines.Add(TakeLine());
                            _pendingOffset = _rotated + _position + i + 1;
                        }
                    }
                }

                _position += read;
            }

            if (final && _pending.Count > 0)
            {
                lines.Add(TakeLine());
                _pendingOffset = _rotated + _position;
            }
        }

        /// <summary>
        /// Copy and truncate: what was read, and what was written meanwhile (read now too), goes to the older file,
        /// then the file is emptied. A line not finished yet goes on in the emptied file, at its offset.
        /// </summary>
        private void Rotate(List<TaskLogLine> lines, bool final)
        {
            var older = path + OlderFileSuffix;
            var temporary = older + ".tmp";
            // Everything slow (opening, copying what was read) comes first, so that between the last read and the
            // truncation, where what the task writes is lost, there is nothing but the truncation itself.
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                CopyPrefix(copy, _position);
                Read(lines, final, copy);
                writer.SetLength(0);
            }

            // A crash before this is recorded makes the next reader skip as many bytes of new output as were moved out.
            WriteRotatedBytes(_rotated + _position);
            File.Move(temporary, older, overwrite: true);
            _rotated += _position;
            _position = 0;
        }

        private void CopyPrefix(FileStream to, long count)
        {
            _file!.Position = 0;
            var buffer = Buffer;
            while (count > 0)
            {
                var read = _file.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                if (read == 0)
                {
                    break;
                }

                to.Write(buffer, 0, read);
                count -= read;
            }
        }

        private long ReadRotatedBytes()
        {
            try
            {
                // Looked for first: an exception for the usual answer (no such file) costs far more than a stat.
                return File.Exists(RotatedBytesPath)
                    && long.TryParse(File.ReadAllText(RotatedBytesPath), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
            }
            catch (FileNotFoundException)
            {
                return 0;
            }
        }

        private void WriteRotatedBytes(long bytes)
        {
            var temporary = RotatedBytesPath + ".tmp";
            File.WriteAllText(temporary, bytes.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, RotatedBytesPath, overwrite: true);
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
