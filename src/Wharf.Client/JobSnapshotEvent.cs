using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>The first event of a follow stream: the job as it was when following began.</summary>
/// <param name="Job">The job, with its history.</param>
public sealed record JobSnapshotEvent(Job Job) : JobFollowEvent;
