namespace Wharf.Storage;

/// <summary>A job's place in its queue after a renumbering: its new position key and its new version.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Priority">Its position key now.</param>
/// <param name="Version">Its version now (a renumbering advances it, so older computed changes lose their compare-and-set).</param>
public sealed record QueuePosition(string JobId, long Priority, long Version);
