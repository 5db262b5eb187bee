namespace Wharf.Server.Execution;

/// <summary>One stored log line of a rank: its number in its stream (from 0, counting every line ever written), its text and time.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Stream">The stream (<c>stdout</c>, <c>stderr</c>, …).</param>
/// <param name="Line">The line's number in its stream.</param>
/// <param name="Text">The text, without its newline.</param>
/// <param name="Timestamp">When the agent read it.</param>
internal sealed record LogEntry(int Rank, string Stream, long Line, string Text, DateTimeOffset Timestamp);
