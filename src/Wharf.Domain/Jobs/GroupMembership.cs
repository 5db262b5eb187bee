namespace Wharf.Domain.Jobs;

/// <summary>Wharf extension: the job group a job belongs to, and the component (compose service) it runs.</summary>
/// <param name="GroupId">The group's id.</param>
/// <param name="Component">The component's name, unique in the group; peers reach the job by it.</param>
public sealed record GroupMembership(string GroupId, string Component);
