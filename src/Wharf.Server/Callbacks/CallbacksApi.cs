using Wharf.Server.Auth;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Callbacks;

/// <summary>How a job's callbacks stand: <c>GET /api/jobs/callbacks?id=</c>.</summary>
internal static class CallbacksApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/jobs/callbacks", ListAsync).RequireAuthorization(Policies.JobsCaller).WithTags("Jobs")
            .WithName("ListJobCallbacks").WithSummary("Every callback of a job and how its delivery stands")
            .Produces<CallbackList>();
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? id, IWharfStore store, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (string.IsNullOrEmpty(id) || await store.Jobs.GetJobAsync(id, ct) is not { } job || !caller.CanSee(job))
        {
            return Problem.NotFound($"job '{id}' was not found");
        }

        var records = await store.Callbacks.ListForJobAsync(job.Id, ct);
        return TypedResults.Ok(new CallbackList([.. records.Select(r => new CallbackState(
            r.DeliveryId, r.Event, r.Url, r.DeliveredAt is null ? "pending" : "delivered", r.Attempts, r.CreatedAt,
            r.DeliveredAt is null ? r.NextAttemptAt : null, r.DeliveredAt, r.LastStatus, r.LastError))]));
    }

    /// <summary>A job's callbacks, oldest first.</summary>
    internal sealed record CallbackList(IReadOnlyList<CallbackState> Items);

    /// <summary>One callback: what it told, where, and how its delivery stands.</summary>
    internal sealed record CallbackState(
        string DeliveryId, string Event, string Url, string State, int Attempts, DateTimeOffset CreatedAt,
        DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatus, string? LastError);
}
