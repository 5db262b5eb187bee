using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Server.Execution;

namespace Wharf.Execution.Tests;

/// <summary>The decisions agents' reports make, one table row per situation.</summary>
public sealed class RankReportsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static Job JobWith(JobState state, bool restartOnExit = false, string? terminatedBy = null, params RankState[] ranks) => new()
    {
        Id = "7",
        Owner = new Owner("alice", "p1"),
        Specification = new JobSpecification { Replicas = ranks.Length, RestartOnExit = restartOnExit },
        Status = new JobStatus
        {
            State = state,
            TerminatedBy = terminatedBy,
            Ranks = [.. ranks.Select((r, i) => new RankStatus(i, $"n{i}", r))],
        },
        CreatedAt = T0,
    };

    private static TaskEvent Report(TaskEventKind kind, int rank = 0, int? exitCode = null, string? message = null) => new()
    {
        JobId = "7", Rank = rank, Kind = kind, Timestamp = T0, ExitCode = exitCode, Message = message, Address = "10.0.0.9",
        Ports = new Dictionary<string, int> { ["http"] = 80 },
    };

    public static TheoryData<JobState, RankState[], TaskEventKind, int?, JobState?> Rows => new()
    {
        // state before, ranks, report (on rank 0), exit code → state after (null: no change at all)
        { JobState.InQueue, [RankState.Assigned], TaskEventKind.Started, null, JobState.Running },
        { JobState.InQueue, [RankState.Assigned, RankState.Assigned], TaskEventKind.Started, null, JobState.InQueue },
        { JobState.InQueue, [RankState.Assigned, RankState.Running], TaskEventKind.Started, null, JobState.Running },
        { JobState.Running, [RankState.Running], TaskEventKind.Started, null, null },
        { JobState.InQueue, [RankState.Assigned], TaskEventKind.StartFailed, null, JobState.Failure },
        { JobState.Running, [RankState.Running], TaskEventKind.Exited, 0, JobState.Success },
        { JobState.Running, [RankState.Running, RankState.Running], TaskEventKind.Exited, 0, JobState.Running },
        { JobState.Running, [RankState.Running, RankState.Running], TaskEventKind.Exited, 2, JobState.Failure },
        { JobState.Running, [RankState.Exited], TaskEventKind.Exited, 0, null },
        { JobState.Canceling, [RankState.Running], TaskEventKind.Exited, 143, JobState.Success },
        { JobState.Canceling, [RankState.Running, RankState.Running], TaskEventKind.Exited, 143, JobState.Canceling },
        { JobState.Expired, [RankState.Running], TaskEventKind.Exited, 143, JobState.Expired },
        { JobState.Running, [RankState.Running], TaskEventKind.Lost, null, JobState.Failure },
        { JobState.Running, [RankState.Running], TaskEventKind.Restarted, null, JobState.Running },
        { JobState.Canceling, [RankState.Running], TaskEventKind.Restarted, null, null },
        { JobState.InQueue, [RankState.Running, RankState.Assigned], TaskEventKind.Exited, 0, JobState.InQueue },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void AReport_MakesTheChangeItsSituationCallsFor(JobState before, RankState[] ranks, TaskEventKind kind, int? exitCode, JobState? after)
    {
        var job = JobWith(before, ranks: ranks);
        var report = Report(kind, exitCode: exitCode);

        var changes = RankReports.Decide(job, report, T0);

        if (after is null)
        {
            Assert.Empty(changes);
            return;
        }

        var result = Assert.Single(changes).After;
        Assert.Equal(after, result.Status.State);
        Assert.Equal(job.Version + 1, result.Version);
        var rank = result.Status.Ranks![0];
        var expected = kind switch
        {
            TaskEventKind.Started or TaskEventKind.Restarted => RankState.Running,
            _ => RankState.Exited,
        };
        Assert.Equal(expected, rank.State);
    }

    [Fact]
    public void Started_RecordsTheEndpoints()
    {
        var change = Assert.Single(RankReports.Decide(JobWith(JobState.InQueue, ranks: RankState.Assigned), Report(TaskEventKind.Started), T0));

        var rank = change.After.Status.Ranks![0];
        Assert.Equal(("10.0.0.9", 80), (rank.Address, rank.Ports!["http"]));
        Assert.Equal(T0, change.After.Status.StartedAt);
    }

    [Fact]
    public void ANonZeroExit_RecordsTheCode_AndNamesTheRank()
    {
        var change = Assert.Single(RankReports.Decide(JobWith(JobState.Running, ranks: [RankState.Running, RankState.Running]), Report(TaskEventKind.Exited, rank: 1, exitCode: 3), T0));

        Assert.Equal((JobState.Failure, 3), (change.After.Status.State, change.After.Status.ExitCode));
        Assert.Equal("Rank 1 exited with code 3", change.After.Status.Reason);
    }

    [Fact]
    public void EveryRankExitingBeforeTheLastStartWasSeen_RunsAndFinishesTheJob()
    {
        var job = JobWith(JobState.InQueue, ranks: RankState.Assigned);

        var changes = RankReports.Decide(job, Report(TaskEventKind.Exited, exitCode: 0), T0);

        Assert.Equal([JobState.Running, JobState.Success], changes.Select(c => c.After.Status.State));
        Assert.Equal(changes[0].After.Version, changes[1].ExpectedVersion);
    }

    [Fact]
    public void TheLastExitOfACancelingJob_NamesWhoTerminatedIt()
    {
        var change = Assert.Single(RankReports.Decide(JobWith(JobState.Canceling, terminatedBy: "alice", ranks: RankState.Running), Report(TaskEventKind.Exited, exitCode: 143), T0));

        Assert.Equal("terminated by alice", change.After.Status.Reason);
    }

    [Fact]
    public void ALostNode_FailsARunningJob_RequeuesOneThatRestarts_AndReleasesAStartingOne()
    {
        var lost = new HashSet<string> { "n0" };

        var failed = Assert.Single(RankReports.NodeLost(JobWith(JobState.Running, ranks: [RankState.Running, RankState.Running]), lost, T0)).After;
        Assert.Equal((JobState.Failure, "node lost"), (failed.Status.State, failed.Status.Reason));
        Assert.Equal([RankState.Exited, RankState.Running], failed.Status.Ranks!.Select(r => r.State));

        var requeued = Assert.Single(RankReports.NodeLost(JobWith(JobState.Running, restartOnExit: true, ranks: RankState.Running), lost, T0)).After;
        Assert.Equal(JobState.InQueue, requeued.Status.State);
        Assert.Null(requeued.Status.Ranks);

        var released = Assert.Single(RankReports.NodeLost(JobWith(JobState.InQueue, ranks: RankState.Assigned), lost, T0)).After;
        Assert.Equal(JobState.InQueue, released.Status.State);
        Assert.Null(released.Status.Ranks);

        Assert.Empty(RankReports.NodeLost(JobWith(JobState.Running, ranks: RankState.Running), new HashSet<string> { "elsewhere" }, T0));
    }
}
