using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;

namespace Wharf.Storage.Tests;

/// <summary>Builds creation requests for store tests. Every job gets distinct parameters unless a tag is given.</summary>
internal static class JobRequests
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    public static readonly Owner Alice = new("alice", "p1");

    public static readonly Owner Bob = new("bob", "p1");

    public static readonly Owner Carol = new("carol", "p2");

    public static NewJob Job(
        string application = "acme-web-app",
        string version = "1.0.0",
        string queue = Queues.Default,
        long priority = 0,
        bool refuseDuplicate = false,
        string? tag = null)
    {
        var specification = new JobSpecification
        {
            Application = new NameAndVersion(application, version),
            Product = new ProductReference("example-compute", "example-compute", "example"),
            Name = "job (test)",
            Replicas = 2,
            Parameters = new Dictionary<string, AppParameterValue>
            {
                ["tag"] = AppParameterValue.Text(tag ?? Guid.NewGuid().ToString("N")),
                ["ratio"] = new() { Type = ParameterTypes.FloatingPoint, Value = JsonDocument.Parse("1.50").RootElement.Clone() },
                ["dataStore"] = AppParameterValue.File("/data/store.db", readOnly: true),
            },
            Resources = [AppParameterValue.Peer("database", "41")],
            TimeAllocation = new SimpleDuration(1, 30, 0),
            RestartOnExit = true,
            Queue = queue,
        };
        var status = new JobStatus
        {
            State = JobState.InQueue,
            Queue = queue,
            Priority = priority,
            TimeAllocation = specification.TimeAllocation,
            Reason = "waiting for capacity",
        };
        return new NewJob(specification, status, JobFingerprint.Compute(specification), refuseDuplicate);
    }

    public static CreateJobsRequest Request(Owner owner, DateTimeOffset now, params NewJob[] jobs) => new(owner, jobs, now, null);

    public static CreateJobsRequest Request(Owner owner, DateTimeOffset now, IdempotencyClaim claim, params NewJob[] jobs) =>
        new(owner, jobs, now, claim);

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, WharfJson.Options);
}
