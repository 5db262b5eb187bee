using System.Data.Common;
using Wharf.Domain.Jobs;
using Wharf.Storage.Sql;
using static Wharf.Storage.Tests.JobRequests;

namespace Wharf.Storage.Tests;

/// <summary>
/// The store contract, run unchanged against every engine: each subclass only says how to make a fresh, empty
/// database of its engine for each test. The facts live in the partial files beside this one.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly List<IWharfStore> _opened = [];

    /// <summary>The store on this test's database, migrated to the latest version.</summary>
    protected IWharfStore Store { get; private set; } = null!;

    /// <summary>The schema version this test's database had before the first migration (a new database: 0).</summary>
    protected int VersionBeforeFirstMigration { get; private set; } = -1;

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Store = Open();
        VersionBeforeFirstMigration = await Store.GetSchemaVersionAsync(Ct);
        await Store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DeleteDatabaseAsync();
    }

    /// <summary>Makes this test's own, empty database.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Deletes it once every store on it is closed.</summary>
    protected abstract Task DeleteDatabaseAsync();

    /// <summary>Opens a store on this test's database, with the given schema steps.</summary>
    private protected abstract SqlWharfStore OpenStore(IReadOnlyList<SchemaMigration>? migrations);

    /// <summary>The engine's own schema steps, the ones Wharf ships.</summary>
    private protected abstract IReadOnlyList<SchemaMigration> ShippedMigrations { get; }

    /// <summary>Another store on this test's database (closed with the test).</summary>
    private protected SqlWharfStore Open(IReadOnlyList<SchemaMigration>? migrations = null)
    {
        var store = OpenStore(migrations ?? ShippedMigrations);
        _opened.Add(store);
        return store;
    }

    /// <summary>Runs one statement directly against this test's database and returns the first column of the first row.</summary>
    private protected async Task<object?> ScalarAsync(string sql)
    {
        await using var session = await ((SqlWharfStore)Store).Database.OpenAsync(Ct);
        await using var command = session.Command(sql);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is DBNull ? null : value;
    }

    private protected async Task<long> CountAsync(string table) => Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {table}"));

    private protected async Task<bool> TableExistsAsync(string table)
    {
        try
        {
            await ScalarAsync($"SELECT COUNT(*) FROM {table}");
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Creates the jobs and returns their ids, failing the test unless they were created.</summary>
    protected async Task<IReadOnlyList<string>> CreateAsync(Owner owner, DateTimeOffset now, params NewJob[] jobs)
    {
        var result = await Store.Jobs.CreateJobsAsync(Request(owner, now, jobs), Ct);
        return Assert.IsType<CreateJobsResult.Created>(result).Ids;
    }

    protected async Task<Job> GetAsync(string id) => await Store.Jobs.GetJobAsync(id, Ct) ?? throw new Xunit.Sdk.XunitException($"job {id} is missing");

    /// <summary>Every job, in id order, read back through browse (admins' view).</summary>
    protected async Task<IReadOnlyList<Job>> AllJobsAsync()
    {
        var page = await Store.Jobs.BrowseJobsAsync(new JobQuery { ItemsPerPage = 1000, SortBy = JobSortBy.CreatedAt, Direction = SortDirection.Ascending }, Ct);
        return [.. page.Items.OrderBy(j => long.Parse(j.Id))];
    }

    /// <summary>Asserts two jobs are the same: scalar fields by equality, documents by their JSON.</summary>
    protected static void AssertSameJob(Job expected, Job actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Updates, actual.Updates);
        Assert.Equal(Json(expected.Specification), Json(actual.Specification));
        Assert.Equal(Json(expected.Status), Json(actual.Status));
        Assert.Equal(Json(expected), Json(actual));
    }
}
