using Wharf.Domain.Jobs;

namespace Wharf.Storage.Sql;

/// <summary>Browsing with filters and keyset pagination.</summary>
internal sealed partial class SqlJobStore
{
    public const int MaxItemsPerPage = 1000;

    public async Task<JobPage> BrowseJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.ItemsPerPage, 1, MaxItemsPerPage);
        var after = query.Next is null ? ((long, long)?)null : PageToken.Decode(query.Next, query.SortBy, query.Direction);

        await using var session = await database.BeginReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = session.Command("");
        var where = new List<string>();
        if (query.Project is { } project)
        {
            where.Add("project = @project");
            command.With("@project", project);
        }

        if (query.States is { } states)
        {
            where.Add(states.Count == 0 ? "1 = 0" : $"state IN {command.InList("state", states.Select(s => s.ToWire()))}");
        }

        Equal(where, command, "app_name", query.ApplicationName);
        Equal(where, command, "app_version", query.ApplicationVersion);
        Equal(where, command, "created_by", query.CreatedBy);
        Equal(where, command, "queue", query.Queue);
        if (query.CreatedAfter is { } createdAfter)
        {
            where.Add("created_at >= @created_after");
            command.With("@created_after", createdAfter.ToUnixTimeMilliseconds());
        }

        if (query.CreatedBefore is { } createdBefore)
        {
            where.Add("created_at < @created_before");
            command.With("@created_before", createdBefore.ToUnixTimeMilliseconds());
        }

        var column = query.SortBy == JobSortBy.Priority ? "priority" : "created_at";
        var ascending = query.Direction == SortDirection.Ascending;
        if (after is var (afterValue, afterId))
        {
            // Keyset: strictly past the last row of the previous page in (sort value, id) order, so rows inserted or
            // moved meanwhile never make a page skip or repeat one that did not move.
            where.Add($"({column}, id) {(ascending ? ">" : "<")} (@after_value, @after_id)");
            command.With("@after_value", afterValue).With("@after_id", afterId);
        }

        var order = ascending ? "ASC" : "DESC";
        command.With("@limit", size + 1);
        command.CommandText =
            $"SELECT {JobRows.Columns} FROM jobs{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} "
            + $"ORDER BY {column} {order}, id {order} LIMIT @limit";

        var rows = await JobRows.ReadAsync(command, cancellationToken).ConfigureAwait(false);
        string? next = null;
        if (rows.Count > size)
        {
            rows.RemoveRange(size, rows.Count - size);
            var (lastId, last) = rows[^1];
            var lastValue = query.SortBy == JobSortBy.Priority ? last.Status.Priority : last.CreatedAt.ToUnixTimeMilliseconds();
            next = PageToken.Encode(query.SortBy, query.Direction, lastValue, lastId);
        }

        var jobs = await JobRows.WithHistoryAsync(session, rows, cancellationToken).ConfigureAwait(false);
        return new JobPage(size, jobs, next);
    }

    private static void Equal(List<string> where, System.Data.Common.DbCommand command, string column, string? value)
    {
        if (value is not null)
        {
            where.Add($"{column} = @{column}");
            command.With($"@{column}", value);
        }
    }
}
