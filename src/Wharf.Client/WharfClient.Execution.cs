using Wharf.Domain.Agents;
using Wharf.Domain.Jobs;

namespace Wharf.Client;

// What the native API offers once jobs run: why a job waits, moving it in its queue, the queues and the nodes.
// Logs and the follow stream are in WharfClient.Logs.cs.
public partial class WharfClient
{
    /// <summary>Why a job is not running (<c>GET /api/jobs/explain</c>): its place in its queue, the reason, and the nodes failing each constraint.</summary>
    public Task<JobExplanation> ExplainJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return GetAsync<JobExplanation>("api/jobs/explain?id=" + Uri.EscapeDataString(id), cancellationToken);
    }

    /// <summary>
    /// Moves a waiting job in its queue (<c>POST /api/jobs/move</c>): to the front, the back, or before or after another
    /// job of the same queue. A job that does not wait answers <c>invalid_transition</c>.
    /// </summary>
    public Task<JobQueuePlace> MoveJobAsync(string id, QueueMove move, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(move);
        return PostAsync<MoveBody, JobQueuePlace>("api/jobs/move", new MoveBody(id, move.To, move.OtherId), cancellationToken);
    }

    /// <summary>Every queue that holds jobs, with how many wait and run (<c>GET /api/queues</c>).</summary>
    public async Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<ItemsResponse<QueueSummary>>("api/queues", cancellationToken).ConfigureAwait(false);
        return answer.Items ?? [];
    }

    /// <summary>Every node, registered by an agent or declared, with its capacity and allocation; admins only (<c>GET /api/nodes</c>).</summary>
    public async Task<IReadOnlyList<NodeSummary>> ListNodesAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<ItemsResponse<NodeSummary>>("api/nodes", cancellationToken).ConfigureAwait(false);
        return answer.Items ?? [];
    }

    /// <summary>
    /// Declares capacity without an agent, for admission only (it never runs tasks); admins only (<c>POST /api/nodes</c>).
    /// A declared node of the same name is replaced.
    /// </summary>
    public Task<NodeSummary> DeclareNodeAsync(
        string name, NodeResources capacity, IReadOnlyDictionary<string, string>? labels, IReadOnlyList<ProductReference>? products,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(capacity);
        return PostAsync<DeclareNodeBody, NodeSummary>("api/nodes", new DeclareNodeBody(name, capacity, labels, products), cancellationToken);
    }

    private sealed record MoveBody(string Id, string To, string? OtherId);

    private sealed record DeclareNodeBody(
        string Name, NodeResources Capacity, IReadOnlyDictionary<string, string>? Labels, IReadOnlyList<ProductReference>? Products);
}
