using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

public class JobTransitionsTests
{
    /// <summary>Every (transition, from-state) pair with whether it is allowed: the whole state machine as a table.</summary>
    public static TheoryData<string, JobState, JobState?> Table()
    {
        var allowed = new Dictionary<(string, JobState), JobState>
        {
            [("start", JobState.InQueue)] = JobState.Running,
            [("complete", JobState.Running)] = JobState.Success,
            [("complete", JobState.Canceling)] = JobState.Success,
            [("fail", JobState.InQueue)] = JobState.Failure,
            [("fail", JobState.Running)] = JobState.Failure,
            [("fail", JobState.Canceling)] = JobState.Failure,
            [("expire", JobState.Running)] = JobState.Expired,
            [("expire", JobState.Canceling)] = JobState.Expired,
            [("terminate", JobState.Running)] = JobState.Canceling,
            [("cancel", JobState.InQueue)] = JobState.Success,
            [("cancel", JobState.Suspended)] = JobState.Success,
            [("suspend", JobState.Running)] = JobState.Suspended,
            [("unsuspend", JobState.Suspended)] = JobState.InQueue,
            [("requeue", JobState.Running)] = JobState.InQueue,
        };
        var data = new TheoryData<string, JobState, JobState?>();
        foreach (var transition in JobTransitions.All)
        {
            foreach (var from in Enum.GetValues<JobState>())
            {
                data.Add(transition.Name, from, allowed.TryGetValue((transition.Name, from), out var to) ? to : null);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Apply_FollowsTheTable(string name, JobState from, JobState? expected)
    {
        var transition = JobTransitions.All.Single(t => t.Name == name);
        var job = new JobBuilder().InState(from).Build();

        if (expected is null)
        {
            var error = Assert.Throws<InvalidTransitionException>(() => job.Apply(transition, JobBuilder.T0.AddMinutes(1)));
            Assert.Equal(from, error.From);
            Assert.Equal(transition, error.Transition);
            return;
        }

        var change = job.Apply(transition, JobBuilder.T0.AddMinutes(1));
        Assert.Equal(expected, change.After.Status.State);
        Assert.Equal(from, change.ExpectedState);
        Assert.Equal(job.Version, change.ExpectedVersion);
        Assert.Equal(job.Version + 1, change.After.Version);
        Assert.Equal(change.Update, change.After.Updates[^1]);
        Assert.Equal(expected, change.Update.State);
        Assert.True(change.Effects.HasFlag(JobEffects.Notify));
    }

    [Fact]
    public void FinalStates_HaveNoWayOut()
    {
        foreach (var final in Enum.GetValues<JobState>().Where(s => s.IsFinal()))
        {
            Assert.DoesNotContain(JobTransitions.All, t => t.IsPossibleFrom(final));
        }
    }

    [Fact]
    public void Start_SetsStartedAtAndExpiry_FromTheAllocation()
    {
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 30, 0)).Build();
        var now = JobBuilder.T0.AddMinutes(5);

        var running = job.Apply(JobTransitions.Start, now).After;

        Assert.Equal(now, running.Status.StartedAt);
        Assert.Equal(now.AddMinutes(90), running.Status.ExpiresAt);
    }

    [Fact]
    public void Start_AfterRequeue_KeepsTheFirstDeadline()
    {
        var started = JobBuilder.T0.AddMinutes(1);
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 0, 0)).StartedAt(started).InState(JobState.Running).Build();

        var requeued = job.Apply(JobTransitions.Requeue, started.AddMinutes(10), "node lost").After;
        var restarted = requeued.Apply(JobTransitions.Start, started.AddMinutes(20)).After;

        Assert.Equal(started, restarted.Status.StartedAt);
        Assert.Equal(started.AddHours(1), restarted.Status.ExpiresAt);
    }

    [Fact]
    public void Start_WithoutAllocation_HasNoExpiry()
    {
        var running = new JobBuilder().Build().Apply(JobTransitions.Start, JobBuilder.T0).After;

        Assert.Null(running.Status.ExpiresAt);
        Assert.Equal(JobBuilder.T0, running.Status.StartedAt);
    }

    [Fact]
    public void Fail_RecordsReasonAndExitCode()
    {
        var job = new JobBuilder().InState(JobState.Running).Build();

        var failed = job.Apply(JobTransitions.Fail, JobBuilder.T0, "rank 0 exited with code 3", exitCode: 3).After;

        Assert.Equal("rank 0 exited with code 3", failed.Status.Reason);
        Assert.Equal(3, failed.Status.ExitCode);
        Assert.Equal("rank 0 exited with code 3", failed.Updates[^1].Status);
    }

    [Theory]
    [InlineData(JobState.InQueue, "cancel")]
    [InlineData(JobState.Suspended, "cancel")]
    [InlineData(JobState.Running, "terminate")]
    [InlineData(JobState.Canceling, null)]
    [InlineData(JobState.Success, null)]
    [InlineData(JobState.Failure, null)]
    [InlineData(JobState.Expired, null)]
    public void ForTerminate_PicksTheTransitionForTheState(JobState state, string? expected)
    {
        Assert.Equal(expected, JobTransitions.ForTerminate(state)?.Name);
    }

    [Fact]
    public void Effects_AreDeclaredAsData()
    {
        Assert.True(JobTransitions.Terminate.Effects.HasFlag(JobEffects.StopOnAgent));
        Assert.True(JobTransitions.Complete.Effects.HasFlag(JobEffects.ReleaseCapacity));
        Assert.True(JobTransitions.Start.Effects.HasFlag(JobEffects.ArmExpiry));
        Assert.True(JobTransitions.Unsuspend.Effects.HasFlag(JobEffects.Enqueue));
        Assert.False(JobTransitions.Start.Effects.HasFlag(JobEffects.ReleaseCapacity));
    }
}
