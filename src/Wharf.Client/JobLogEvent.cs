namespace Wharf.Client;

/// <summary>A line one of the followed job's ranks wrote.</summary>
/// <param name="Line">The line.</param>
public sealed record JobLogEvent(JobLogLine Line) : JobFollowEvent;
