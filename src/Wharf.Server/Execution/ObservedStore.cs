using Wharf.Storage;

namespace Wharf.Server.Execution;

/// <summary>
/// The store as the server uses it: every call goes to the real store, and every job saved is published on the
/// <see cref="JobFeed"/> once the save has committed. Because each writer (the API, the scheduler, agent reports,
/// timers) goes through this one object, nothing that changes a job can forget to tell the rest of the server.
/// </summary>
internal sealed class ObservedStore(IWharfStore inner, JobFeed feed) : IWharfStore
{
    public IWharfStore Inner => inner;

    public string Engine => inner.Engine;

    public IJobStore Jobs { get; } = new ObservedJobStore(inner.Jobs, feed);

    public ICatalogStore Catalog => inner.Catalog;

    public ITokenStore Tokens => inner.Tokens;

    public IAgentStore Agents => inner.Agents;

    public ICallbackOutbox Callbacks => inner.Callbacks;

    public IGroupStore Groups { get; } = new ObservedGroupStore(inner.Groups, inner.Jobs, feed);

    public IStoreNotices Notices => inner.Notices;

    public Task<ILeadership?> TryLeadAsync(CancellationToken cancellationToken) => inner.TryLeadAsync(cancellationToken);

    public Task MigrateAsync(CancellationToken cancellationToken) => inner.MigrateAsync(cancellationToken);

    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) => inner.GetSchemaVersionAsync(cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
