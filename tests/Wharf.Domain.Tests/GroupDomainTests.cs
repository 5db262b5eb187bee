using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;

namespace Wharf.Domain.Tests;

public sealed class GroupDomainTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public void Bind_ReplacesItemReferencesInPeersParametersAndDependencies_AndLeavesRealIdsAlone()
    {
        var spec = new JobSpecification
        {
            Resources = [AppParameterValue.Peer("db", ItemReferences.To(0)), AppParameterValue.Peer("cache", "4200")],
            Parameters = new Dictionary<string, AppParameterValue> { ["upstream"] = AppParameterValue.Peer("up", ItemReferences.To(1)) },
            DependsOn = [new JobDependency(ItemReferences.To(1), DependencyConditions.CompletedSuccessfully)],
        };

        var bound = ItemReferences.Bind(spec, ["4101", "4102"]);

        Assert.Equal(["4101", "4200"], bound.Resources!.Select(r => r.JobId));
        Assert.Equal("4102", bound.Parameters!["upstream"].JobId);
        Assert.Equal("4102", Assert.Single(bound.DependsOn!).JobId);
        Assert.False(ItemReferences.Any(bound));
    }

    [Fact]
    public void Bind_RefusesAReferenceToALaterItem()
    {
        var spec = new JobSpecification { DependsOn = [new JobDependency(ItemReferences.To(2), DependencyConditions.Started)] };

        Assert.Throws<InvalidOperationException>(() => ItemReferences.Bind(spec, ["4101"]));
    }

    [Theory]
    [InlineData("#0", 0)]
    [InlineData("#12", 12)]
    [InlineData("4101", null)]
    [InlineData("#", null)]
    [InlineData("#-1", null)]
    [InlineData(null, null)]
    public void IndexOf_ReadsOnlyWellFormedItemReferences(string? id, int? index) => Assert.Equal(index, ItemReferences.IndexOf(id));

    [Theory]
    [InlineData(GroupState.Active, new[] { JobState.Running, JobState.Success }, GroupHealth.Running)]
    [InlineData(GroupState.Active, new[] { JobState.Running, JobState.InQueue }, GroupHealth.Starting)]
    [InlineData(GroupState.Active, new[] { JobState.Running, JobState.Failure }, GroupHealth.Degraded)]
    [InlineData(GroupState.Active, new[] { JobState.Success, JobState.Success }, GroupHealth.Completed)]
    [InlineData(GroupState.Stopped, new[] { JobState.Canceling, JobState.Success }, GroupHealth.Stopping)]
    [InlineData(GroupState.Deleted, new[] { JobState.Success, JobState.Failure }, GroupHealth.Stopped)]
    public void GroupHealth_AggregatesTheWantedStateAndTheJobs(GroupState state, JobState[] jobs, string expected) =>
        Assert.Equal(expected, GroupHealth.Of(state, jobs));

    [Fact]
    public void SetCondition_ReplacesByType_AndKeepsTheTransitionTimeWhileTheStatusStaysTheSame()
    {
        IReadOnlyList<JobCondition> conditions = [new("Healthy", "True", T0), new("Available", "True", T0)];

        var same = JobCondition.Set(conditions, new("Healthy", "True", T0.AddMinutes(1), Message: "still fine"));
        var changed = JobCondition.Set(same, new("Healthy", "False", T0.AddMinutes(2), "ProbeFailed"));
        var added = JobCondition.Set(changed, new("Degraded", "True", T0.AddMinutes(3)));

        Assert.Equal((T0, "still fine"), (same[0].LastTransitionTime, same[0].Message));
        Assert.Equal(("False", T0.AddMinutes(2)), (changed[0].Status, changed[0].LastTransitionTime));
        Assert.Equal(["Healthy", "Available", "Degraded"], added.Select(c => c.Type));
    }
}
