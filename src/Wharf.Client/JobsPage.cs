using Wharf.Domain.Jobs;

namespace Wharf.Client;

/// <summary>One page of jobs, as <c>GET /api/jobs/browse</c> answers it (UCloud's <c>PageV2</c>).</summary>
/// <param name="ItemsPerPage">The page size the server used.</param>
/// <param name="Items">The jobs on this page.</param>
/// <param name="Next">The token of the next page, or null after the last.</param>
public sealed record JobsPage(int ItemsPerPage, IReadOnlyList<Job> Items, string? Next);
