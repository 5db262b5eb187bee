using Wharf.Server.Auth;
using Wharf.Server.Execution;

namespace Wharf.Server.Api;

/// <summary>Queues: each queue with how many jobs wait in it and how many run from it.</summary>
internal static class QueuesApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/queues", List).RequireAuthorization(Policies.JobsCaller).WithTags("Queues").WithName("ListQueues")
            .WithSummary("Every queue that holds jobs: how many wait (placed ones still starting included) and how many run or stop")
            .Produces<ItemsResponse<QueueSummary>>();
    }

    private static IResult List(ExecutionIndex index) =>
        TypedResults.Ok(new ItemsResponse<QueueSummary>([.. index.QueueCounts().Select(q => new QueueSummary(q.Queue, q.Waiting, q.Running))]));
}
