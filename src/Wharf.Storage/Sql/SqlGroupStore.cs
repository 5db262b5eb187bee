using System.Text.Json;
using Wharf.Domain.Groups;
using Wharf.Domain.Serialization;

namespace Wharf.Storage.Sql;

/// <summary>
/// Job groups in SQL. The group is one JSON document (<c>job_groups.doc</c>) with a few columns to filter on;
/// <c>group_members</c> indexes which group each job belongs to, former members included.
/// </summary>
internal sealed class SqlGroupStore(SqlDatabase database, SqlJobStore jobs) : IGroupStore
{
    public async Task<SaveGroupResult> SaveGroupAsync(
        JobGroup group, long? expectedVersion, CreateJobsRequest? newJobs, IReadOnlyList<string> components, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(components);
        if ((newJobs?.Jobs.Count ?? 0) != components.Count)
        {
            throw new ArgumentException("one component name per new job is needed", nameof(components));
        }

        JobGroup? saved = null;
        try
        {
            if (newJobs is { Jobs.Count: > 0 })
            {
                var result = await jobs.CreateJobsAsync(
                    newJobs,
                    async (session, ids, ct) => saved = await WriteAsync(session, group, expectedVersion, ids, components, ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                return result is CreateJobsResult.Created ? new SaveGroupResult.Saved(saved!) : new SaveGroupResult.JobsRefused(result);
            }

            await using var write = await database.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            saved = await WriteAsync(write, group, expectedVersion, [], [], cancellationToken).ConfigureAwait(false);
            await write.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new SaveGroupResult.Saved(saved);
        }
        catch (StaleGroupException)
        {
            return new SaveGroupResult.Conflict();
        }
    }

    public async Task<JobGroup?> GetGroupAsync(string id, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command("SELECT doc FROM job_groups WHERE id = @id");
        command.With("@id", id);
        return Read(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<JobGroup?> FindGroupOfJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!JobIds.TryParse(jobId, out var id))
        {
            return null;
        }

        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command(
            "SELECT g.doc FROM group_members m JOIN job_groups g ON g.id = m.group_id WHERE m.job_id = @job_id");
        command.With("@job_id", id);
        return Read(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<JobGroup>> ListGroupsAsync(string? project, string? kind, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var filters = (project is null ? "" : " AND project = @project") + (kind is null ? "" : " AND kind = @kind");
        await using var command = session.Command($"SELECT doc FROM job_groups WHERE state <> 'deleted'{filters} ORDER BY created_at, id LIMIT @limit");
        command.With("@limit", limit);
        if (project is not null)
        {
            command.With("@project", project);
        }

        if (kind is not null)
        {
            command.With("@kind", kind);
        }

        var groups = new List<JobGroup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(Read(reader.GetString(0))!);
        }

        return groups;
    }

    /// <summary>Writes the group (insert or compare-and-set update) and its new members inside <paramref name="session"/>'s transaction.</summary>
    private static async Task<JobGroup> WriteAsync(
        SqlSession session, JobGroup group, long? expectedVersion, IReadOnlyList<string> ids, IReadOnlyList<string> components, CancellationToken cancellationToken)
    {
        var members = group.Members.ToList();
        var replaced = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var index = members.FindIndex(m => string.Equals(m.Component, components[i], StringComparison.Ordinal));
            var member = new GroupMember(components[i], ids[i]);
            if (index < 0)
            {
                members.Add(member);
            }
            else
            {
                replaced.Add(members[index].JobId);
                members[index] = member;
            }
        }

        var saved = group with { Members = members, Version = (expectedVersion ?? 0) + 1 };
        var doc = JsonSerializer.Serialize(saved, WharfJson.Options);
        var state = saved.State.ToString().ToLowerInvariant();
        if (expectedVersion is null)
        {
            await using var insert = session.Command(
                """
                INSERT INTO job_groups (id, project, created_by, kind, state, created_at, version, doc)
                VALUES (@id, @project, @created_by, @kind, @state, @created_at, @version, @doc)
                """);
            insert.With("@id", saved.Id).With("@project", saved.Owner.Project).With("@created_by", saved.Owner.CreatedBy)
                .With("@kind", saved.Kind).With("@state", state).With("@created_at", saved.CreatedAt.ToUnixTimeMilliseconds())
                .With("@version", saved.Version).With("@doc", doc);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var update = session.Command(
                "UPDATE job_groups SET state = @state, version = @version, doc = @doc WHERE id = @id AND version = @expected");
            update.With("@state", state).With("@version", saved.Version).With("@doc", doc).With("@id", saved.Id).With("@expected", expectedVersion.Value);
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new StaleGroupException(); // rolls back the transaction, the new jobs with it
            }
        }

        foreach (var old in replaced)
        {
            await using var retire = session.Command("UPDATE group_members SET current = 0 WHERE group_id = @group_id AND job_id = @job_id");
            retire.With("@group_id", saved.Id).With("@job_id", long.Parse(old, System.Globalization.CultureInfo.InvariantCulture));
            await retire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            await using var add = session.Command(
                "INSERT INTO group_members (group_id, component, job_id, position, current) VALUES (@group_id, @component, @job_id, @position, 1)");
            add.With("@group_id", saved.Id).With("@component", components[i])
                .With("@job_id", long.Parse(ids[i], System.Globalization.CultureInfo.InvariantCulture))
                .With("@position", members.FindIndex(m => m.JobId == ids[i]));
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return saved;
    }

    private static JobGroup? Read(object? doc) =>
        doc is string text ? JsonSerializer.Deserialize<JobGroup>(text, WharfJson.Options) : null;

    /// <summary>The group's version moved on since it was read; thrown inside the transaction to roll it back.</summary>
    private sealed class StaleGroupException : Exception;
}
