namespace Wharf.Client;

/// <summary>One line a rank of a job wrote, as the server stored it.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Stream"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Line">Its number in its rank's stream, from 0; numbers never change, even when old lines are rotated away.</param>
/// <param name="Text">The text, without its newline.</param>
/// <param name="Timestamp">When the agent read it.</param>
public sealed record JobLogLine(int Rank, string Stream, long Line, string Text, DateTimeOffset Timestamp);
