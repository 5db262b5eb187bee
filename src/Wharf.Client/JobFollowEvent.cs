namespace Wharf.Client;

/// <summary>
/// One event of a job's follow stream (<c>GET /api/jobs/follow</c>): <see cref="JobSnapshotEvent"/> first, then
/// <see cref="JobLogEvent"/>s from the first stored line, then <see cref="JobStatusEvent"/>s and log lines as they
/// happen, and <see cref="JobEndEvent"/> once the job has ended and its last lines are in.
/// </summary>
public abstract record JobFollowEvent;
