namespace Wharf.Domain.Jobs;

/// <summary>
/// Wharf extension: a job that must reach <paramref name="Condition"/> before this one is started (compose's
/// <c>depends_on</c>). A dependency that can no longer meet its condition fails the waiting job.
/// </summary>
/// <param name="JobId">The job depended on; within one creation request, <c>#n</c> names item n (an earlier item).</param>
/// <param name="Condition">One of <see cref="DependencyConditions"/>.</param>
public sealed record JobDependency(string? JobId, string? Condition);

/// <summary>The conditions a <see cref="JobDependency"/> waits for, named as compose names them.</summary>
public static class DependencyConditions
{
    /// <summary>Every rank of the job runs.</summary>
    public const string Started = "service_started";

    /// <summary>Every rank runs and, when the application has a health check, passed it.</summary>
    public const string Healthy = "service_healthy";

    /// <summary>The job ended SUCCESS.</summary>
    public const string CompletedSuccessfully = "service_completed_successfully";

    /// <summary>Every condition.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Started, Healthy, CompletedSuccessfully };
}
