using Wharf.Domain.Groups;
using Wharf.Domain.Jobs;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static int _groupClock;

    private static JobGroup NewGroup(Owner owner, string kind = "compose") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Owner = owner,
        Kind = kind,
        Name = "demo",
        Manifest = "services: {}",
        CreatedAt = T0.AddSeconds(Interlocked.Increment(ref _groupClock)), // listed oldest first
        UpdatedAt = T0,
    };

    private static NewJob Member(string? dependsOn = null)
    {
        var job = Job();
        return dependsOn is null ? job : job with
        {
            Specification = job.Specification with
            {
                Resources = [AppParameterValue.Peer("db", dependsOn)],
                DependsOn = [new JobDependency(dependsOn, DependencyConditions.Healthy)],
            },
        };
    }

    [Fact]
    public async Task SaveGroup_CreatesTheGroupAndItsJobsTogether_BindingItemReferencesToSiblingIds()
    {
        var group = NewGroup(Alice);

        var result = await Store.Groups.SaveGroupAsync(
            group, null, Request(Alice, T0, Member(), Member(dependsOn: ItemReferences.To(0))), ["db", "web"], Ct);

        var saved = Assert.IsType<SaveGroupResult.Saved>(result).Group;
        Assert.Equal(1, saved.Version);
        Assert.Equal(["db", "web"], saved.Members.Select(m => m.Component));
        var db = saved.JobOf("db")!;
        var web = await GetAsync(saved.JobOf("web")!);
        Assert.Equal(db, Assert.Single(web.Specification.Resources!).JobId);
        Assert.Equal(new JobDependency(db, DependencyConditions.Healthy), Assert.Single(web.Specification.DependsOn!));

        var read = await Store.Groups.GetGroupAsync(group.Id, Ct);
        Assert.Equal(saved.Members, read!.Members);
        Assert.Equal(group.Id, (await Store.Groups.FindGroupOfJobAsync(db, Ct))!.Id);
    }

    [Fact]
    public async Task SaveGroup_WithAStaleVersion_SavesNothing_NotEvenItsNewJobs()
    {
        var group = Assert.IsType<SaveGroupResult.Saved>(
            await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, Request(Alice, T0, Member()), ["db"], Ct)).Group;
        var before = await CountAsync("jobs");

        var stale = await Store.Groups.SaveGroupAsync(group with { Name = "renamed" }, group.Version - 1, Request(Alice, T0, Member()), ["db"], Ct);

        Assert.IsType<SaveGroupResult.Conflict>(stale);
        Assert.Equal(before, await CountAsync("jobs"));
        Assert.Equal("demo", (await Store.Groups.GetGroupAsync(group.Id, Ct))!.Name);
    }

    [Fact]
    public async Task SaveGroup_Update_ReplacesTheMembersOfRenewedComponents_AndKeepsFormerMembersFindable()
    {
        var group = Assert.IsType<SaveGroupResult.Saved>(
            await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, Request(Alice, T0, Member(), Member()), ["db", "web"], Ct)).Group;
        var oldWeb = group.JobOf("web")!;

        var updated = Assert.IsType<SaveGroupResult.Saved>(
            await Store.Groups.SaveGroupAsync(group with { Generation = 2 }, group.Version, Request(Alice, T0, Member()), ["web"], Ct)).Group;

        Assert.Equal(group.JobOf("db"), updated.JobOf("db"));
        Assert.NotEqual(oldWeb, updated.JobOf("web"));
        Assert.Equal(2, updated.Version);
        Assert.Equal(group.Id, (await Store.Groups.FindGroupOfJobAsync(oldWeb, Ct))!.Id);
    }

    [Fact]
    public async Task SaveGroup_WithAReplayedIdempotencyKey_CreatesNoSecondGroup()
    {
        var claim = new IdempotencyClaim("k1", "hash");
        var first = Assert.IsType<SaveGroupResult.Saved>(
            await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, Request(Alice, T0, claim, Member()), ["db"], Ct)).Group;

        var again = await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, Request(Alice, T0, claim, Member()), ["db"], Ct);

        var replayed = Assert.IsType<CreateJobsResult.Replayed>(Assert.IsType<SaveGroupResult.JobsRefused>(again).Result);
        Assert.Equal(first.JobOf("db"), Assert.Single(replayed.Ids));
        Assert.Equal(1, await CountAsync("job_groups"));
    }

    [Fact]
    public async Task ListGroups_ShowsOnlyTheProjectAndKindAsked_AndNotDeletedGroups()
    {
        var mine = Assert.IsType<SaveGroupResult.Saved>(await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, null, [], Ct)).Group;
        var icos = Assert.IsType<SaveGroupResult.Saved>(await Store.Groups.SaveGroupAsync(NewGroup(Alice, "icos"), null, null, [], Ct)).Group;
        await Store.Groups.SaveGroupAsync(NewGroup(Carol), null, null, [], Ct);
        var gone = Assert.IsType<SaveGroupResult.Saved>(await Store.Groups.SaveGroupAsync(NewGroup(Alice), null, null, [], Ct)).Group;
        await Store.Groups.SaveGroupAsync(gone with { State = GroupState.Deleted }, gone.Version, null, [], Ct);

        Assert.Equal([mine.Id, icos.Id], (await Store.Groups.ListGroupsAsync("p1", null, 10, Ct)).Select(g => g.Id));
        Assert.Equal([icos.Id], (await Store.Groups.ListGroupsAsync("p1", "icos", 10, Ct)).Select(g => g.Id));
        Assert.Equal(3, (await Store.Groups.ListGroupsAsync(null, null, 10, Ct)).Count);
    }
}
