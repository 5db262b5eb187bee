namespace Wharf.Client;

/// <summary>Where a moved job now stands (<c>POST /api/jobs/move</c>): its queue and its new position key (lower goes first).</summary>
/// <param name="Id">The job.</param>
/// <param name="Queue">Its queue.</param>
/// <param name="Priority">Its position key now.</param>
public sealed record JobQueuePlace(string Id, string Queue, long Priority);
