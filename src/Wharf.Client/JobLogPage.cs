namespace Wharf.Client;

/// <summary>A page of one rank's stream (<c>GET /api/jobs/logs</c>).</summary>
/// <param name="JobId">The job.</param>
/// <param name="Rank">The rank read.</param>
/// <param name="Stream">The stream read.</param>
/// <param name="First">The number of the oldest line still stored (older ones were rotated away).</param>
/// <param name="Next">The line number to read from next.</param>
/// <param name="Lines">The lines, in order.</param>
/// <param name="Streams">Every rank and stream of the job that has lines.</param>
public sealed record JobLogPage(
    string JobId, int Rank, string Stream, long First, long Next, IReadOnlyList<JobLogLine> Lines, IReadOnlyList<JobLogStream> Streams);
