using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>One component of a group and the job that runs it now.</summary>
/// <param name="Name">The component's (compose service's) name; its peers reach it under this host name.</param>
/// <param name="JobId">The job running it; an ordinary job that every job call works on.</param>
/// <param name="State">The job's state; null when the job no longer exists.</param>
/// <param name="Reason">Why it waits, or how it ended.</param>
/// <param name="Replicas">Its rank count.</param>
/// <param name="Ports">Rank 0's ports as reachable on its node's host, by name (empty until it runs).</param>
/// <param name="Healthy">Whether every rank passes its health check; null without a check or before the first probe.</param>
public sealed record GroupComponentStatus(
    string Name, string JobId, JobState? State, string? Reason, int Replicas, IReadOnlyDictionary<string, int>? Ports, bool? Healthy);
