using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Domain.Jobs;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Jobs;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Tests;

/// <summary>
/// Bulk commands against a real SQLite store where another writer changes the job between the command's read and its
/// save, so the compare-and-set really fails: the command must read again and decide again, or give up with 409.
/// </summary>
public sealed class JobCommandsConcurrencyTests : IAsyncLifetime
{
    private static readonly Caller Alice = new("alice", "p", TokenRole.User);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wharf-server-tests", Guid.NewGuid().ToString("N"));
    private IWharfStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _store = WharfStores.OpenSqlite(Path.Combine(_directory, "wharf.db"));
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Terminate_ReReadsAndDecidesAgain_WhenTheJobStartedMeanwhile()
    {
        var id = await CreateJobAsync();
        var interfering = new InterferingStore(_store, times: 1, async store =>
        {
            var job = await store.Jobs.GetJobAsync(id, CancellationToken.None);
            Assert.True(await store.Jobs.TrySaveAsync(job!.Apply(JobTransitions.Start, DateTimeOffset.UtcNow), CancellationToken.None));
        });

        var result = await new JobCommands(interfering.Store, TimeProvider.System)
            .ApplyAsync(Alice, [id], "id", (job, _, now) => JobCommands.Terminate(job, now), CancellationToken.None);

        Assert.IsType<Ok<BulkResponse<Nothing>>>(result);
        Assert.Equal(2, interfering.Saves);
        // Decided again on the job as it then was: RUNNING, so terminate means CANCELING rather than SUCCESS.
        Assert.Equal(JobState.Canceling, (await _store.Jobs.GetJobAsync(id, CancellationToken.None))!.Status.State);
    }

    [Fact]
    public async Task Extend_GivesUpWith409_WhenTheJobKeepsChanging()
    {
        var id = await CreateJobAsync(new SimpleDuration(1, 0, 0));
        var interfering = new InterferingStore(_store, times: int.MaxValue, async store =>
        {
            var job = await store.Jobs.GetJobAsync(id, CancellationToken.None);
            Assert.True(await store.Jobs.TrySaveAsync(job!.Extend(new SimpleDuration(0, 0, 1), DateTimeOffset.UtcNow), CancellationToken.None));
        });

        var result = await new JobCommands(interfering.Store, TimeProvider.System)
            .ApplyAsync(Alice, [id], "jobId", (job, _, now) => JobCommands.Extend(job, new SimpleDuration(1, 0, 0), now), CancellationToken.None);

        var problem = Assert.IsType<ProblemResult>(result);
        Assert.Equal(StatusCodes.Status409Conflict, problem.Document.Status);
        Assert.Equal(ProblemCodes.Conflict, problem.Document.Code);
        var stored = (await _store.Jobs.GetJobAsync(id, CancellationToken.None))!;
        Assert.Equal(new SimpleDuration(1, 0, interfering.Saves), stored.Status.TimeAllocation);
    }

    private async Task<string> CreateJobAsync(SimpleDuration? allocation = null)
    {
        var spec = new JobSpecification { Application = new("app", "1"), Product = new("p", "c", "x"), TimeAllocation = allocation };
        var status = new JobStatus { State = JobState.InQueue, TimeAllocation = allocation };
        var result = await _store.Jobs.CreateJobsAsync(
            new CreateJobsRequest(new Owner("alice", "p"), [new NewJob(spec, status, "f", RefuseDuplicate: false)], DateTimeOffset.UtcNow, null),
            CancellationToken.None);
        return Assert.IsType<CreateJobsResult.Created>(result).Ids[0];
    }

    /// <summary>
    /// A store whose bulk saves are preceded, the first <c>times</c> times, by another writer's change. Everything else
    /// goes to the real store; written as a proxy so that it keeps compiling as the store contract grows.
    /// </summary>
    private sealed class InterferingStore
    {
        private readonly IWharfStore _inner;
        private readonly int _times;
        private readonly Func<IWharfStore, Task> _interfere;

        public InterferingStore(IWharfStore inner, int times, Func<IWharfStore, Task> interfere)
        {
            _inner = inner;
            _times = times;
            _interfere = interfere;
            var jobs = DispatchProxy.Create<IJobStore, Forwarder<IJobStore>>();
            ((Forwarder<IJobStore>)(object)jobs).Setup(inner.Jobs, (method, args) =>
                method.Name == nameof(IJobStore.TrySaveAllAsync) ? SaveAllAsync((IReadOnlyList<JobChange>)args[0]!, (CancellationToken)args[1]!) : null);
            Store = DispatchProxy.Create<IWharfStore, Forwarder<IWharfStore>>();
            ((Forwarder<IWharfStore>)(object)Store).Setup(inner, (method, _) => method.Name == "get_Jobs" ? jobs : null);
        }

        public IWharfStore Store { get; }

        public int Saves { get; private set; }

        private async Task<bool> SaveAllAsync(IReadOnlyList<JobChange> changes, CancellationToken cancellationToken)
        {
            if (Saves++ < _times)
            {
                await _interfere(_inner);
            }

            return await _inner.Jobs.TrySaveAllAsync(changes, cancellationToken);
        }
    }

    /// <summary>Forwards every call to a target, unless an override answers it (non-null).</summary>
    public class Forwarder<T> : DispatchProxy
    {
        private T _target = default!;
        private Func<MethodInfo, object?[], object?> _override = (_, _) => null;

        public void Setup(T target, Func<MethodInfo, object?[], object?> @override)
        {
            _target = target;
            _override = @override;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            args ??= [];
            return _override(targetMethod, args) ?? targetMethod.Invoke(_target, args);
        }
    }
}
