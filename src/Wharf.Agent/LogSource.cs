using Wharf.Agent.Drivers;
using Wharf.Domain.Agents;

namespace Wharf.Agent;

/// <summary>
/// One rank's log files as the agent reads them: how far they were read (so that a rank restarted into the same
/// files, or taken back after an agent restart, is not sent twice) and how far the server has taken them.
/// </summary>
internal sealed class LogSource(TaskRef task, LogCursor shipped)
{
    private readonly Lock _gate = new();
    private LogCursor _read = shipped;
    private LogCursor _shipped = shipped;

    public TaskRef Task { get; } = task;

    /// <summary>How far the server has taken the logs; persisted with the task.</summary>
    public LogCursor Shipped
    {
        get
        {
            lock (_gate)
            {
                return _shipped;
            }
        }
    }

    /// <summary>True for a line not read before (and now counted as read); false for one already read.</summary>
    public bool TryRead(TaskLogLine line)
    {
        lock (_gate)
        {
            if (line.Offset <= _read.Of(line.Stream))
            {
                return false;
            }

            _read = _read.Advance(line.Stream, line.Offset);
            return true;
        }
    }

    /// <summary>The server took the lines up to <paramref name="offset"/> on <paramref name="stream"/>.</summary>
    public void MarkShipped(TaskLogStream stream, long offset)
    {
        lock (_gate)
        {
            _shipped = _shipped.Advance(stream, offset);
        }
    }
}
