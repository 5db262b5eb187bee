using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Wharf.Domain.Jobs;

namespace Wharf.Client;

public partial class WharfClient
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// Creates jobs, all or none (<c>POST /api/jobs</c>), for the token's project, and returns their ids in the order
    /// of <paramref name="specifications"/>. A retry with the same <paramref name="idempotencyKey"/> returns the same ids.
    /// </summary>
    public Task<IReadOnlyList<string>> CreateJobsAsync(
        IReadOnlyList<JobSpecification> specifications, string? idempotencyKey, CancellationToken cancellationToken) =>
        CreateJobsAsync(specifications, idempotencyKey, project: null, cancellationToken);

    /// <summary>
    /// Creates jobs, all or none, in <paramref name="project"/> (<c>POST /api/jobs?project=</c>): how an admin token,
    /// which acts for no project, creates jobs. A user's token may name only its own project.
    /// </summary>
    public async Task<IReadOnlyList<string>> CreateJobsAsync(
        IReadOnlyList<JobSpecification> specifications, string? idempotencyKey, string? project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specifications);
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { [IdempotencyKeyHeader] = idempotencyKey };
        var route = project is null ? "api/jobs" : "api/jobs?project=" + Uri.EscapeDataString(project);
        var answer = await PostAsync<BulkRequest<JobSpecification>, BulkResponse<JobIdentifier>>(
            route, new BulkRequest<JobSpecification>(specifications), cancellationToken, headers).ConfigureAwait(false);
        return answer.Responses?.Select(r => r.Id).ToList() ?? [];
    }

    /// <summary>Reads one page of the caller's jobs (<c>GET /api/jobs/browse</c>).</summary>
    public Task<JobsPage> BrowseJobsAsync(JobBrowseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return GetAsync<JobsPage>("api/jobs/browse" + ToQueryString(query), cancellationToken);
    }

    /// <summary>
    /// Every job that matches <paramref name="query"/>, reading page after page as the caller enumerates,
    /// starting from <see cref="JobBrowseQuery.Next"/> when it is set.
    /// </summary>
    public async IAsyncEnumerable<Job> BrowseAllJobsAsync(
        JobBrowseQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = query;
        while (true)
        {
            var answer = await BrowseJobsAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var job in answer.Items)
            {
                yield return job;
            }

            // An empty page with a token would loop for ever on a confused server; stop there too.
            if (answer.Next is null || answer.Items.Count == 0)
            {
                yield break;
            }

            page = page with { Next = answer.Next };
        }
    }

    /// <summary>Reads one job (<c>GET /api/jobs/retrieve</c>); another project's job answers <c>not_found</c>.</summary>
    public Task<Job> RetrieveJobAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return GetAsync<Job>("api/jobs/retrieve?id=" + Uri.EscapeDataString(id), cancellationToken);
    }

    /// <summary>Terminates jobs, all or none (<c>POST /api/jobs/terminate</c>): running ones go to CANCELING, waiting ones end.</summary>
    public Task TerminateAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        PostIdsAsync("api/jobs/terminate", ids, cancellationToken);

    /// <summary>Suspends running jobs, all or none (<c>POST /api/jobs/suspend</c>).</summary>
    public Task SuspendAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        PostIdsAsync("api/jobs/suspend", ids, cancellationToken);

    /// <summary>Puts suspended jobs back in their queue, all or none (<c>POST /api/jobs/unsuspend</c>).</summary>
    public Task UnsuspendAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        PostIdsAsync("api/jobs/unsuspend", ids, cancellationToken);

    /// <summary>Extends a job's time allocation by <paramref name="requestedTime"/> (<c>POST /api/jobs/extend</c>).</summary>
    public Task ExtendAsync(string id, SimpleDuration requestedTime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(requestedTime);
        return PostAsync<BulkRequest<ExtendItem>, Nothing>(
            "api/jobs/extend", new BulkRequest<ExtendItem>([new ExtendItem(id, requestedTime)]), cancellationToken);
    }

    private Task PostIdsAsync(string route, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var body = new BulkRequest<JobIdentifier>([.. ids.Select(id => new JobIdentifier(id))]);
        return PostAsync<BulkRequest<JobIdentifier>, Nothing>(route, body, cancellationToken);
    }

    private static string ToQueryString(JobBrowseQuery query)
    {
        var parts = new List<(string Name, string Value)>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add((name, value));
            }
        }

        Add("itemsPerPage", query.ItemsPerPage?.ToString(CultureInfo.InvariantCulture));
        Add("next", query.Next);
        Add("filterState", query.States is { Count: > 0 } states ? string.Join(',', states.Select(s => s.ToWire())) : null);
        Add("filterApplication", query.Application);
        Add("filterApplicationVersion", query.ApplicationVersion);
        Add("filterCreatedBy", query.CreatedBy);
        Add("filterQueue", query.Queue);
        Add("filterProject", query.Project);
        Add("filterAfter", query.CreatedAfter?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("filterBefore", query.CreatedBefore?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("sortBy", query.SortBy switch
        {
            JobBrowseOrder.CreatedAt => "createdAt",
            JobBrowseOrder.Priority => "priority",
            _ => null,
        });
        Add("sortDirection", query.SortDirection switch
        {
            JobBrowseDirection.Ascending => "ascending",
            JobBrowseDirection.Descending => "descending",
            _ => null,
        });

        if (parts.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var (name, value) in parts)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }
}
