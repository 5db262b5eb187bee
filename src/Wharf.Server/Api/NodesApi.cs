using System.Security.Cryptography;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;
using Wharf.Scheduling;
using Wharf.Server.Auth;
using Wharf.Server.Execution;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>
/// Nodes (admins): every node with its capacity and what is allocated on it; and capacity an operator declares
/// without an agent, which never runs tasks and only counts for admission-only queues.
/// </summary>
internal static class NodesApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var nodes = routes.MapGroup("/api/nodes").RequireAuthorization(Policies.Admin).WithTags("Nodes");
        nodes.MapGet("", List).WithName("ListNodes").WithSummary("Every node: state, capacity, allocation, labels")
            .Produces<ItemsResponse<NodeSummary>>();
        nodes.MapPost("", Declare).WithName("DeclareNode")
            .WithSummary("Declare capacity without an agent (admission only; it never runs tasks); replaces a declared node of the same name")
            .Produces<NodeSummary>();
    }

    private static IResult List(ExecutionIndex index) =>
        TypedResults.Ok(new ItemsResponse<NodeSummary>([.. index.Nodes().Select(n => Summary(n.Record, n.Allocated))]));

    private static async Task<IResult> Declare(
        HttpContext http, IWharfStore store, ExecutionIndex index, ChangeRelay relay, WharfServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<DeclareNodeRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        var registration = new NodeRegistration(request.Name ?? "", request.Capacity!, request.Labels, Drivers: [], request.Products);
        var errors = AgentLeases.ValidateNode(registration, "$").Select(e => e with { Field = e.Field.Replace("$.", "", StringComparison.Ordinal) }).ToList();
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var existing = index.Nodes().FirstOrDefault(n => n.Record.Declared && n.Record.Name == registration.Name).Record;
        var node = new NodeRecord(
            existing?.Id ?? "declared-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            null,
            registration,
            NodeState.Ready,
            Declared: true,
            WharfJson.ToMilliseconds(time.GetUtcNow()));
        await store.Agents.SaveDeclaredNodeAsync(node, ct);
        index.PutNode(node);
        relay.NodesChanged();
        return TypedResults.Ok(Summary(node, Resources.Zero));
    }

    private static NodeSummary Summary(NodeRecord record, Resources allocated)
    {
        var registration = record.Registration;
        var capacity = registration.Capacity;
        return new NodeSummary(
            record.Id,
            record.Name,
            record.AgentId,
            record.State.ToString().ToLowerInvariant(),
            record.Declared,
            new ResourceAmounts(capacity.Cpu, capacity.MemoryInGigs, capacity.Gpu, capacity.DiskInGigs),
            new ResourceAmounts(allocated.CpuMillis / 1000.0, allocated.MemoryMiB / 1024.0, allocated.Gpu, allocated.DiskMiB / 1024.0),
            registration.Labels ?? new Dictionary<string, string>(),
            registration.Drivers,
            registration.Products);
    }
}
