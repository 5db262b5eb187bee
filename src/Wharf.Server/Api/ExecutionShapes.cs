using Wharf.Domain.Jobs;

namespace Wharf.Server.Api;

// The wire shapes of explain, logs, move, queues and nodes.

/// <summary>The answer of <c>GET /api/jobs/explain</c>.</summary>
/// <param name="JobId">The job.</param>
/// <param name="State">Its state.</param>
/// <param name="Queue">Its queue.</param>
/// <param name="Position">How many waiting jobs are ahead of it in its queue; null when it does not wait.</param>
/// <param name="Reason">Why it waits (the scheduler's latest word), or its status reason.</param>
/// <param name="NodesConsidered">How many nodes the scheduler looked at.</param>
/// <param name="Failures">How many nodes failed each constraint first.</param>
internal sealed record JobExplanationResponse(
    string JobId, JobState State, string Queue, int? Position, string? Reason, int? NodesConsidered, IReadOnlyDictionary<string, int>? Failures);

/// <summary>The answer of <c>GET /api/jobs/logs</c>.</summary>
internal sealed record JobLogsResponse(
    string JobId, int Rank, string Stream, long First, long Next, IReadOnlyList<LogLineResponse> Lines, IReadOnlyList<LogStreamName> Streams);

/// <summary>One stored log line: its rank and stream, its number in the stream, text and time.</summary>
internal sealed record LogLineResponse(int Rank, string Stream, long Line, string Text, DateTimeOffset Timestamp);

/// <summary>A rank's stream that has lines.</summary>
internal sealed record LogStreamName(int Rank, string Stream);

/// <summary>The body of <c>POST /api/jobs/move</c>.</summary>
internal sealed record MoveJobRequest(string? Id, string? To, string? OtherId);

/// <summary>The answer of <c>POST /api/jobs/move</c>: the job's queue and new position key.</summary>
internal sealed record MoveJobResponse(string Id, string Queue, long Priority);

/// <summary>A queue in <c>GET /api/queues</c>.</summary>
internal sealed record QueueSummary(string Name, int Waiting, int Running);

/// <summary>An amount of compute as the API shows it.</summary>
internal sealed record ResourceAmounts(double Cpu, double MemoryInGigs, long Gpu, double DiskInGigs);

/// <summary>A node in <c>GET /api/nodes</c>.</summary>
internal sealed record NodeSummary(
    string Id,
    string Name,
    string? AgentId,
    string State,
    bool Declared,
    ResourceAmounts Capacity,
    ResourceAmounts Allocated,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string>? Drivers,
    IReadOnlyList<ProductReference>? Products);

/// <summary>The body of <c>POST /api/nodes</c>: capacity an operator declares for admission, without an agent.</summary>
internal sealed record DeclareNodeRequest(string? Name, Domain.Agents.NodeResources? Capacity, IReadOnlyDictionary<string, string>? Labels, IReadOnlyList<ProductReference>? Products);
