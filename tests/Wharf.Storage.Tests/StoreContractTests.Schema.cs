using Wharf.Storage.Sql;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>A step a later Wharf might ship: a new column, filled in for the rows already there, and a new table.</summary>
    private const int Next = SchemaVersion.Latest + 1;

    private static readonly SchemaMigration AddJobNotes = new(
        Next,
        "test: job notes",
        [
            "ALTER TABLE jobs ADD COLUMN note TEXT",
            "UPDATE jobs SET note = 'made before version 2'",
            "CREATE TABLE job_notes_audit (job_id BIGINT NOT NULL PRIMARY KEY)",
        ]);

    [Fact]
    public async Task Migrate_BringsANewDatabaseFromNothingToTheLatestVersion()
    {
        Assert.Equal(0, VersionBeforeFirstMigration);
        Assert.Equal(SchemaVersion.Latest, await Store.GetSchemaVersionAsync(Ct));
        Assert.Equal(SchemaVersion.Latest, ShippedMigrations[^1].Version);
    }

    [Fact]
    public async Task Migrate_OnAnUpToDateDatabase_ChangesNothing()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job());
        var before = await Store.Jobs.GetJobsAsync(ids, Ct);

        await Store.MigrateAsync(Ct);
        await Open().MigrateAsync(Ct);

        Assert.Equal(SchemaVersion.Latest, await Store.GetSchemaVersionAsync(Ct));
        Assert.Equal(SchemaVersion.Latest, await CountAsync("schema_version"));
        var after = await Store.Jobs.GetJobsAsync(ids, Ct);
        Assert.All(before.Zip(after), pair => AssertSameJob(pair.First, pair.Second));
    }

    [Fact]
    public async Task Migrate_UpgradesAnOlderDatabaseInPlace_KeepingEveryRow()
    {
        var ids = await CreateAsync(Alice, T0, Job(), Job(queue: "vm"));
        var started = (await GetAsync(ids[0])).Apply(Domain.Jobs.JobTransitions.Start, T0.AddSeconds(1));
        Assert.True(await Store.Jobs.TrySaveAsync(started, Ct));
        await Store.Tokens.CreateAsync(new TokenRecord("t1", "h1", TokenRole.Admin, "root", null, null, T0, null), Ct);
        await Store.Catalog.UpsertApplicationAsync(new Domain.Catalog.ApplicationDefinition { Name = "a", Version = "1" }, T0, Ct);
        var before = await Store.Jobs.GetJobsAsync(ids, Ct);

        var upgraded = Open([.. ShippedMigrations, AddJobNotes]);
        await upgraded.MigrateAsync(Ct);

        Assert.Equal(Next, await upgraded.GetSchemaVersionAsync(Ct));
        var after = await upgraded.Jobs.GetJobsAsync(ids, Ct);
        Assert.All(before.Zip(after), pair => AssertSameJob(pair.First, pair.Second));
        Assert.Equal(2L, await CountAsync("jobs WHERE note = 'made before version 2'"));
        Assert.True(await TableExistsAsync("job_notes_audit"));
        Assert.NotNull(await upgraded.Tokens.FindByHashAsync("h1", Ct));
        Assert.NotNull(await upgraded.Catalog.GetApplicationAsync("a", "1", Ct));
        Assert.IsType<CreateJobsResult.Created>(await upgraded.Jobs.CreateJobsAsync(Request(Bob, T0, Job()), Ct));
    }

    [Fact]
    public async Task Migrate_FromSeveralStoresAtOnce_AppliesEachStepOnce()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open([.. ShippedMigrations, AddJobNotes])).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));

        Assert.Equal(Next, await Store.GetSchemaVersionAsync(Ct));
        Assert.Equal(Next, await CountAsync("schema_version"));
    }

    [Fact]
    public async Task Migrate_RefusesADatabaseNewerThanTheCode_AndLeavesItAlone()
    {
        await Open([.. ShippedMigrations, AddJobNotes]).MigrateAsync(Ct);

        var old = Open();
        var refused = await Assert.ThrowsAsync<SchemaTooNewException>(() => old.MigrateAsync(Ct));

        Assert.Equal(Next, refused.DatabaseVersion);
        Assert.Equal(SchemaVersion.Latest, refused.SupportedVersion);
        Assert.Contains($"schema version {Next}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Next, await old.GetSchemaVersionAsync(Ct));
    }

    [Fact]
    public async Task Migrate_RollsBackAFailedStep_AndStopsAtTheVersionBeforeIt()
    {
        var broken = new SchemaMigration(Next + 1, "test: broken", ["CREATE TABLE half_done (id BIGINT)", "THIS IS NOT SQL"]);
        var store = Open([.. ShippedMigrations, AddJobNotes, broken]);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync(Ct));

        Assert.Contains($"step {Next + 1}", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Next, await store.GetSchemaVersionAsync(Ct));
        Assert.True(await TableExistsAsync("job_notes_audit"));
        Assert.False(await TableExistsAsync("half_done"));
    }
}
