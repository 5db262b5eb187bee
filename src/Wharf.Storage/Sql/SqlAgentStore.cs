using System.Data.Common;
using System.Text.Json;
using Wharf.Domain.Agents;
using Wharf.Domain.Serialization;

namespace Wharf.Storage.Sql;

/// <summary>Agents and nodes in SQL; a node's registration is kept as a JSON document.</summary>
internal sealed class SqlAgentStore(SqlDatabase database) : IAgentStore
{
    private const string AgentColumns = "id, name, principal, state, registered_at, last_heartbeat_at, lease_expires_at";
    private const string NodeColumns = "id, agent_id, name, state, declared, registration, updated_at";

    public async Task RegisterAsync(AgentRecord agent, IReadOnlyList<NodeRecord> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Any(n => n.AgentId != agent.Id || n.Declared))
        {
            throw new ArgumentException($"every node of agent {agent.Id} must name it and not be declared", nameof(nodes));
        }

        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            $"""
            INSERT INTO agents ({AgentColumns}) VALUES (@id, @name, @principal, @state, @registered_at, @last_heartbeat_at, @lease_expires_at)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, principal = excluded.principal, state = excluded.state,
                registered_at = excluded.registered_at, last_heartbeat_at = excluded.last_heartbeat_at, lease_expires_at = excluded.lease_expires_at
            """))
        {
            BindAgent(command, agent);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Nodes it no longer lists are lost; those it lists are written next (by id, so a node keeps its id across registrations).
        await using (var command = session.Command("UPDATE nodes SET state = @state, updated_at = @at WHERE agent_id = @agent_id"))
        {
            command.With("@state", Wire(NodeState.Lost)).With("@at", agent.RegisteredAt.ToUnixTimeMilliseconds()).With("@agent_id", agent.Id);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var node in nodes)
        {
            await UpsertNodeAsync(session, node, cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AgentRecord?> GetAgentAsync(string id, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {AgentColumns} FROM agents WHERE id = @id");
        command.With("@id", id);
        var agents = await ReadAgentsAsync(command, cancellationToken).ConfigureAwait(false);
        return agents.Count == 0 ? null : agents[0];
    }

    public async Task<IReadOnlyList<AgentRecord>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {AgentColumns} FROM agents ORDER BY id");
        return await ReadAgentsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RenewLeaseAsync(string agentId, DateTimeOffset heartbeatAt, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command(
            """
            UPDATE agents SET last_heartbeat_at = @heartbeat, lease_expires_at = CASE WHEN lease_expires_at > @expires THEN lease_expires_at ELSE @expires END
            WHERE id = @id AND state = @active
            """);
        command.With("@heartbeat", heartbeatAt.ToUnixTimeMilliseconds())
            .With("@expires", leaseExpiresAt.ToUnixTimeMilliseconds())
            .With("@id", agentId)
            .With("@active", Wire(AgentState.Active));
        var renewed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return renewed;
    }

    public async Task<bool> MarkLostAsync(string agentId, DateTimeOffset leaseEndedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = session.Command(
            "UPDATE agents SET state = @lost WHERE id = @id AND state = @active AND lease_expires_at <= @ended_by"))
        {
            command.With("@lost", Wire(AgentState.Lost)).With("@id", agentId).With("@active", Wire(AgentState.Active))
                .With("@ended_by", leaseEndedBy.ToUnixTimeMilliseconds());
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        await using (var command = session.Command("UPDATE nodes SET state = @lost, updated_at = @at WHERE agent_id = @id"))
        {
            command.With("@lost", Wire(NodeState.Lost)).With("@at", now.ToUnixTimeMilliseconds()).With("@id", agentId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<NodeRecord>> ListNodesAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command($"SELECT {NodeColumns} FROM nodes ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var nodes = new List<NodeRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var registration = JsonSerializer.Deserialize<NodeRegistration>(reader.GetString(5), WharfJson.Options)
                ?? throw new InvalidDataException($"node {reader.GetString(0)} has no registration");
            nodes.Add(new NodeRecord(
                reader.GetString(0),
                reader.GetNullableString(1),
                registration,
                ParseNodeState(reader.GetString(3)),
                reader.GetInt64(4) != 0,
                SqlCommands.ToTime(reader.GetInt64(6))));
        }

        return nodes;
    }

    public async Task SaveDeclaredNodeAsync(NodeRecord node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.AgentId is not null || !node.Declared)
        {
            throw new ArgumentException($"node {node.Id} is not a declared node (declared, without an agent)", nameof(node));
        }

        await using var session = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = session.Command("DELETE FROM nodes WHERE agent_id IS NULL AND name = @name AND id <> @id"))
        {
            // Declared nodes are unique by name: declaring one again under a new id replaces it.
            delete.With("@name", node.Name).With("@id", node.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await UpsertNodeAsync(session, node, cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task UpsertNodeAsync(SqlSession session, NodeRecord node, CancellationToken cancellationToken)
    {
        await using var command = session.Command(
            $"""
            INSERT INTO nodes ({NodeColumns}) VALUES (@id, @agent_id, @name, @state, @declared, @registration, @updated_at)
            ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, name = excluded.name, state = excluded.state,
                declared = excluded.declared, registration = excluded.registration, updated_at = excluded.updated_at
            """);
        command.With("@id", node.Id)
            .With("@agent_id", node.AgentId)
            .With("@name", node.Name)
            .With("@state", Wire(node.State))
            .With("@declared", node.Declared ? 1 : 0)
            .With("@updated_at", node.UpdatedAt.ToUnixTimeMilliseconds());
        database.AddJson(command, "@registration", JsonSerializer.Serialize(node.Registration, WharfJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void BindAgent(DbCommand command, AgentRecord agent) =>
        command.With("@id", agent.Id)
            .With("@name", agent.Name)
            .With("@principal", agent.Principal)
            .With("@state", Wire(agent.State))
            .With("@registered_at", agent.RegisteredAt.ToUnixTimeMilliseconds())
            .With("@last_heartbeat_at", agent.LastHeartbeatAt.ToUnixTimeMilliseconds())
            .With("@lease_expires_at", agent.LeaseExpiresAt.ToUnixTimeMilliseconds());

    private static async Task<List<AgentRecord>> ReadAgentsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var agents = new List<AgentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            agents.Add(new AgentRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3) == Wire(AgentState.Lost) ? AgentState.Lost : AgentState.Active,
                SqlCommands.ToTime(reader.GetInt64(4)),
                SqlCommands.ToTime(reader.GetInt64(5)),
                SqlCommands.ToTime(reader.GetInt64(6))));
        }

        return agents;
    }

    private static string Wire(AgentState state) => state == AgentState.Lost ? "lost" : "active";

    private static string Wire(NodeState state) => state switch
    {
        NodeState.Ready => "ready",
        NodeState.Draining => "draining",
        NodeState.Lost => "lost",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static NodeState ParseNodeState(string text) => text switch
    {
        "ready" => NodeState.Ready,
        "draining" => NodeState.Draining,
        "lost" => NodeState.Lost,
        _ => throw new InvalidDataException($"a stored node has the unknown state '{text}'"),
    };
}
