using System.Text;
using Wharf.Domain.Jobs;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Browse_AppliesEachFilter()
    {
        var web = await CreateAsync(Alice, T0, Job(), Job(version: "2.0.0"));
        var db = await CreateAsync(Bob, T0.AddMinutes(1), Job(application: "acme-database", queue: "vm"));
        var other = await CreateAsync(Carol, T0.AddMinutes(2), Job());
        Assert.True(await Store.Jobs.TrySaveAsync((await GetAsync(web[1])).Apply(JobTransitions.Start, T0.AddMinutes(3)), Ct));

        async Task<IEnumerable<string>> Ids(JobQuery query) =>
            (await Store.Jobs.BrowseJobsAsync(query with { Direction = SortDirection.Ascending }, Ct)).Items.Select(j => j.Id);

        Assert.Equal([.. web, .. db, .. other], await Ids(new JobQuery()));
        Assert.Equal([.. web, .. db], await Ids(new JobQuery { Project = "p1" }));
        Assert.Equal(other, await Ids(new JobQuery { Project = "p2" }));
        Assert.Equal([web[1]], await Ids(new JobQuery { States = new HashSet<JobState> { JobState.Running } }));
        Assert.Equal(
            [web[0], .. db, .. other],
            await Ids(new JobQuery { States = new HashSet<JobState> { JobState.InQueue, JobState.Success } }));
        Assert.Empty(await Ids(new JobQuery { States = new HashSet<JobState>() }));
        Assert.Equal(db, await Ids(new JobQuery { ApplicationName = "acme-database" }));
        Assert.Equal([web[1]], await Ids(new JobQuery { ApplicationName = "acme-web-app", ApplicationVersion = "2.0.0" }));
        Assert.Equal(db, await Ids(new JobQuery { CreatedBy = "bob" }));
        Assert.Equal(db, await Ids(new JobQuery { Queue = "vm" }));
        Assert.Equal([.. db, .. other], await Ids(new JobQuery { CreatedAfter = T0.AddMinutes(1) }));
        Assert.Equal([.. web, .. db], await Ids(new JobQuery { CreatedBefore = T0.AddMinutes(2) }));
        Assert.Equal(db, await Ids(new JobQuery { CreatedAfter = T0.AddMinutes(1), CreatedBefore = T0.AddMinutes(2), Project = "p1" }));
        Assert.Empty(await Ids(new JobQuery { Project = "p1", CreatedBy = "carol" }));
    }

    [Fact]
    public async Task Browse_SortsByCreationTime_InBothDirections_BreakingTiesById()
    {
        var late = await CreateAsync(Alice, T0.AddMinutes(5), Job(), Job());
        var early = await CreateAsync(Alice, T0, Job(), Job());

        var ascending = await Store.Jobs.BrowseJobsAsync(new JobQuery { Direction = SortDirection.Ascending }, Ct);
        var descending = await Store.Jobs.BrowseJobsAsync(new JobQuery { Direction = SortDirection.Descending }, Ct);

        Assert.Equal([early[0], early[1], late[0], late[1]], ascending.Items.Select(j => j.Id));
        Assert.Equal([late[1], late[0], early[1], early[0]], descending.Items.Select(j => j.Id));
        Assert.Null(ascending.Next);
    }

    [Fact]
    public async Task Browse_SortsByQueuePosition_InBothDirections()
    {
        var ids = await CreateAsync(Alice, T0, Job(priority: 300), Job(priority: -5), Job(priority: 300), Job(priority: 7));
        var query = new JobQuery { SortBy = JobSortBy.Priority };

        var ascending = await Store.Jobs.BrowseJobsAsync(query with { Direction = SortDirection.Ascending }, Ct);
        var descending = await Store.Jobs.BrowseJobsAsync(query with { Direction = SortDirection.Descending }, Ct);

        Assert.Equal([ids[1], ids[3], ids[0], ids[2]], ascending.Items.Select(j => j.Id));
        Assert.Equal([ids[2], ids[0], ids[3], ids[1]], descending.Items.Select(j => j.Id));
    }

    [Theory]
    [InlineData(JobSortBy.CreatedAt, SortDirection.Ascending)]
    [InlineData(JobSortBy.CreatedAt, SortDirection.Descending)]
    [InlineData(JobSortBy.Priority, SortDirection.Ascending)]
    [InlineData(JobSortBy.Priority, SortDirection.Descending)]
    public async Task Browse_PagesThroughEveryJobOnce_WithoutSkippingOrRepeating(JobSortBy sortBy, SortDirection direction)
    {
        // Many ties on both sort keys, so the id tie-break decides page boundaries.
        var all = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            all.AddRange(await CreateAsync(Alice, T0.AddSeconds(i % 3), Job(priority: 100 * (i % 2 + 1)), Job(priority: 100), Job(priority: 50 * i + 1), Job()));
        }

        var query = new JobQuery { SortBy = sortBy, Direction = direction, ItemsPerPage = 5 };
        var full = (await Store.Jobs.BrowseJobsAsync(query with { ItemsPerPage = 1000 }, Ct)).Items.Select(j => j.Id).ToList();
        var paged = new List<string>();
        var pages = 0;
        string? next = null;
        do
        {
            var page = await Store.Jobs.BrowseJobsAsync(query with { Next = next }, Ct);
            Assert.True(page.Items.Count is > 0 and <= 5);
            paged.AddRange(page.Items.Select(j => j.Id));
            next = page.Next;
            pages++;
        }
        while (next is not null);

        Assert.Equal(5, pages); // 24 jobs, 5 a page
        Assert.Equal(full, paged);
        Assert.Equal(all.Order(), paged.Order());
    }

    [Fact]
    public async Task Browse_RefusesANextTokenItCannotRead()
    {
        await CreateAsync(Alice, T0, Job(), Job(), Job());
        var first = await Store.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 1 }, Ct);
        Assert.NotNull(first.Next);
        Assert.DoesNotContain(first.Next!, c => c is '+' or '/' or '=' or '%'); // safe in a URL as it is

        string[] unreadable =
        [
            "%%%not-base64%%%",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("hello")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes("p1.c.d.notanumber.3")),
            System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes("p9.c.d.1700000000000.3")),
            "",
        ];
        foreach (var token in unreadable)
        {
            await Assert.ThrowsAsync<InvalidPageTokenException>(() => Store.Jobs.BrowseJobsAsync(new JobQuery { Next = token }, Ct));
        }

        // A token from another order would land on the wrong page: refused too.
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            Store.Jobs.BrowseJobsAsync(new JobQuery { Next = first.Next, SortBy = JobSortBy.Priority }, Ct));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            Store.Jobs.BrowseJobsAsync(new JobQuery { Next = first.Next, Direction = SortDirection.Ascending }, Ct));
    }

    [Fact]
    public async Task Browse_KeepsThePageSizeBetweenOneAndAThousand()
    {
        await CreateAsync(Alice, T0, Job(), Job());

        var tooSmall = await Store.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 0 }, Ct);
        var tooLarge = await Store.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 50_000 }, Ct);

        Assert.Equal(1, tooSmall.ItemsPerPage);
        Assert.Single(tooSmall.Items);
        Assert.NotNull(tooSmall.Next);
        Assert.Equal(1000, tooLarge.ItemsPerPage);
        Assert.Equal(2, tooLarge.Items.Count);
    }

    [Fact]
    public async Task Browse_GivesEachJobItsFullHistory()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job());
        var started = (await GetAsync(ids[0])).Apply(JobTransitions.Start, T0.AddSeconds(1));
        Assert.True(await Store.Jobs.TrySaveAsync(started, Ct));

        var page = await Store.Jobs.BrowseJobsAsync(new JobQuery { Direction = SortDirection.Ascending }, Ct);

        AssertSameJob(started.After, page.Items[0]);
        Assert.Equal([Domain.Jobs.Job.Accepted(T0)], page.Items[1].Updates);
    }
}
