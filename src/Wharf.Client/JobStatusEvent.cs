using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>A change of the followed job: its whole status after the change and the history entry it added.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Version">The job's version after the change; versions only grow.</param>
/// <param name="Status">The status after the change.</param>
/// <param name="Update">The history entry the change appended, when it sent one.</param>
public sealed record JobStatusEvent(string JobId, long Version, JobStatus Status, JobUpdate? Update) : JobFollowEvent;
