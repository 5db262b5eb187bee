using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

public class JobAmendTests
{
    [Fact]
    public void Amend_ChangesStatusData_KeepingTheState()
    {
        var job = new JobBuilder().Build();

        var change = job.Amend(s => s with { Ranks = [new RankStatus(0, "node-1", RankState.Assigned)] }, JobBuilder.T0, "placed on node-1");

        Assert.Equal(JobState.InQueue, change.After.Status.State);
        Assert.Equal("node-1", change.After.Status.Ranks![0].NodeId);
        Assert.Null(change.Transition);
        Assert.Equal("placed on node-1", change.After.Updates[^1].Status);
        Assert.Equal(job.Version + 1, change.After.Version);
    }

    [Fact]
    public void Amend_RefusesToChangeTheState()
    {
        var job = new JobBuilder().Build();

        Assert.Throws<InvalidOperationException>(() => job.Amend(s => s with { State = JobState.Running }, JobBuilder.T0, "sneaky"));
    }

    [Fact]
    public void Apply_WithAmend_ChangesRanksInTheSameStep()
    {
        var job = new JobBuilder().Build();

        var running = job.Apply(JobTransitions.Start, JobBuilder.T0, amend: s => s with { Ranks = [new RankStatus(0, "n", RankState.Running, Address: "10.0.0.1")] }).After;

        Assert.Equal(JobState.Running, running.Status.State);
        Assert.Equal("10.0.0.1", running.Status.Ranks![0].Address);
    }
}
