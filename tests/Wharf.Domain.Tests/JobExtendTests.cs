using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

public class JobExtendTests
{
    [Fact]
    public void Extend_MovesTheDeadlineOfARunningJob()
    {
        var started = JobBuilder.T0;
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 0, 0)).StartedAt(started).InState(JobState.Running).Build();

        var change = job.Extend(new SimpleDuration(0, 30, 0), started.AddMinutes(50));

        Assert.Equal(started.AddMinutes(90), change.After.Status.ExpiresAt);
        Assert.Equal(new SimpleDuration(1, 30, 0), change.After.Status.TimeAllocation);
        Assert.Equal(JobState.Running, change.After.Status.State);
        Assert.Null(change.Transition);
        Assert.Null(change.Update.State);
        Assert.Equal(job.Version + 1, change.After.Version);
    }

    [Fact]
    public void Extend_GrowsTheAllocationOfAWaitingJob()
    {
        var job = new JobBuilder().WithAllocation(new SimpleDuration(0, 10, 0)).Build();

        var after = job.Extend(new SimpleDuration(0, 0, 90), JobBuilder.T0).After;

        Assert.Equal(new SimpleDuration(0, 11, 30), after.Status.TimeAllocation);
        Assert.Null(after.Status.ExpiresAt);
    }

    [Fact]
    public void Extend_IsRefused_WithoutAnAllocation()
    {
        var job = new JobBuilder().InState(JobState.Running).Build();

        Assert.Throws<InvalidOperationException>(() => job.Extend(new SimpleDuration(1, 0, 0), JobBuilder.T0));
    }

    [Fact]
    public void Extend_IsRefused_InAFinalState()
    {
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 0, 0)).InState(JobState.Expired).Build();

        Assert.Throws<InvalidOperationException>(() => job.Extend(new SimpleDuration(1, 0, 0), JobBuilder.T0));
    }

    [Fact]
    public void TwoExtensions_AddUp()
    {
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 0, 0)).StartedAt(JobBuilder.T0).InState(JobState.Running).Build();

        var once = job.Extend(new SimpleDuration(0, 10, 0), JobBuilder.T0).After;
        var twice = once.Extend(new SimpleDuration(0, 10, 0), JobBuilder.T0).After;

        Assert.Equal(JobBuilder.T0.AddMinutes(80), twice.Status.ExpiresAt);
        Assert.Equal(3, twice.Updates.Count);
    }
}
