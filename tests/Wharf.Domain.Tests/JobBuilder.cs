using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

/// <summary>Builds jobs for tests, in any state.</summary>
internal sealed class JobBuilder
{
    private JobState _state = JobState.InQueue;
    private SimpleDuration? _allocation;
    private DateTimeOffset? _startedAt;

    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    public JobBuilder InState(JobState state)
    {
        _state = state;
        return this;
    }

    public JobBuilder WithAllocation(SimpleDuration allocation)
    {
        _allocation = allocation;
        return this;
    }

    public JobBuilder StartedAt(DateTimeOffset startedAt)
    {
        _startedAt = startedAt;
        return this;
    }

    public Job Build() => new()
    {
        Id = "41",
        Owner = new Owner("alice", "p1"),
        Specification = new JobSpecification
        {
            Application = new NameAndVersion("acme-database", "1.0.0"),
            Product = new ProductReference("example-compute", "example-compute", "example"),
            TimeAllocation = _allocation,
        },
        Status = new JobStatus
        {
            State = _state,
            TimeAllocation = _allocation,
            StartedAt = _startedAt,
            ExpiresAt = _startedAt is { } s && _allocation is { } a ? s + a.ToTimeSpan() : null,
        },
        Updates = [Job.Accepted(T0)],
        CreatedAt = T0,
        Version = 3,
    };
}
