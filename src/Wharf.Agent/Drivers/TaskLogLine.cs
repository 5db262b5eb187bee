namespace Wharf.Agent.Drivers;

/// <summary>One line of a task's output, without its line ending.</summary>
/// <param name="Stream">Where it was written.</param>
/// <param name="Text">The line, decoded as UTF-8.</param>
/// <param name="Offset">Where the line starts in its log file, in bytes; lets a reader resume after a restart.</param>
public sealed record TaskLogLine(TaskLogStream Stream, string Text, long Offset);
