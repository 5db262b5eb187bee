using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;
using Wharf.Server.Execution;

namespace Wharf.Execution.Tests;

/// <summary>What health reports do to a job: the rank's health, the job's <c>Healthy</c> condition, and repeats that change nothing.</summary>
public sealed class RankHealthReportsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static Job Running(int ranks) => new()
    {
        Id = "7",
        Owner = new Owner("alice", "p1"),
        Specification = new JobSpecification { Replicas = ranks },
        Status = new JobStatus { State = JobState.Running, Ranks = [.. Enumerable.Range(0, ranks).Select(i => new RankStatus(i, $"n{i}", RankState.Running))] },
        CreatedAt = T0,
    };

    private static TaskEvent Report(TaskEventKind kind, int rank = 0, string? message = null) =>
        new() { JobId = "7", Rank = rank, Kind = kind, Timestamp = T0, Message = message };

    private static Job Apply(Job job, TaskEvent report, DateTimeOffset? at = null) => Assert.Single(RankReports.Decide(job, report, at ?? T0)).After;

    private static JobCondition Healthy(Job job) => Assert.Single(job.Status.Conditions!, c => c.Type == "Healthy");

    [Fact]
    public void Healthy_OfTheOnlyRank_MarksItHealthy_AndTheConditionTrue_ThenARepeatChangesNothing()
    {
        var job = Apply(Running(1), Report(TaskEventKind.Healthy));

        Assert.Equal(RankHealth.Healthy, job.Status.Ranks![0].Health);
        Assert.Equal("True", Healthy(job).Status);
        Assert.Equal(JobState.Running, job.Status.State);
        Assert.Equal("Rank 0 is healthy", job.Updates[^1].Status);
        Assert.Empty(RankReports.Decide(job, Report(TaskEventKind.Healthy), T0.AddSeconds(1)));
    }

    [Fact]
    public void Unhealthy_MarksTheRank_AndTheConditionFalse_NamingRankAndProblem()
    {
        var job = Apply(Apply(Running(2), Report(TaskEventKind.Healthy, 0)), Report(TaskEventKind.Healthy, 1));
        Assert.Equal("True", Healthy(job).Status);

        job = Apply(job, Report(TaskEventKind.Unhealthy, 1, "GET /healthz answered 503"), T0.AddSeconds(5));

        Assert.Equal([RankHealth.Healthy, RankHealth.Unhealthy], job.Status.Ranks!.Select(r => r.Health));
        var condition = Healthy(job);
        Assert.Equal(("False", "ProbeFailed", "Rank 1 is unhealthy: GET /healthz answered 503"), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(T0.AddSeconds(5), condition.LastTransitionTime);
        Assert.Contains("Rank 1 is unhealthy: GET /healthz answered 503", job.Updates[^1].Status, StringComparison.Ordinal);
        Assert.Empty(RankReports.Decide(job, Report(TaskEventKind.Unhealthy, 1, "GET /healthz answered 503"), T0.AddSeconds(6)));
    }

    [Fact]
    public void ARestart_ClearsTheRanksHealth_TheConditionStaysFalse_UntilItsFirstPassingProbe()
    {
        var job = Apply(Running(1), Report(TaskEventKind.Unhealthy, message: "health exited with code 1"));

        job = Apply(job, Report(TaskEventKind.Restarted, message: "unhealthy; started again after 250 ms (restart 1)"), T0.AddSeconds(1));
        Assert.Null(job.Status.Ranks![0].Health);
        Assert.Equal("False", Healthy(job).Status);

        job = Apply(job, Report(TaskEventKind.Healthy), T0.AddSeconds(2));
        Assert.Equal(RankHealth.Healthy, job.Status.Ranks![0].Health);
        Assert.Equal(("True", T0.AddSeconds(2)), (Healthy(job).Status, Healthy(job).LastTransitionTime));
    }

    [Fact]
    public void Healthy_WhileAnotherRankIsNotProbedYet_LeavesTheConditionUnknown()
    {
        var job = Apply(Running(2), Report(TaskEventKind.Healthy, 1));

        Assert.Equal(("Unknown", "Rank 0 has not passed a health probe yet"), (Healthy(job).Status, Healthy(job).Message));
    }

    [Fact]
    public void OneOfTwoUnhealthyRanksRecovering_LeavesTheConditionFalse_NamingTheOther()
    {
        var job = Apply(Running(2), Report(TaskEventKind.Unhealthy, 0, "tcp probe failed: refused"));
        job = Apply(job, Report(TaskEventKind.Unhealthy, 1, "health exited with code 2"));

        job = Apply(job, Report(TaskEventKind.Healthy, 1));

        Assert.Equal(("False", "Rank 0 is unhealthy"), (Healthy(job).Status, Healthy(job).Message));
        Assert.Equal([RankHealth.Unhealthy, RankHealth.Healthy], job.Status.Ranks!.Select(r => r.Health));
    }

    [Fact]
    public void HealthReports_AboutARankThatEnded_ChangeNothing()
    {
        var job = Running(1) with { Status = Running(1).Status with { Ranks = [new RankStatus(0, "n0", RankState.Exited, 0)] } };

        Assert.Empty(RankReports.Decide(job, Report(TaskEventKind.Healthy), T0));
        Assert.Empty(RankReports.Decide(job, Report(TaskEventKind.Unhealthy, message: "late"), T0));
    }
}
