using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>Probes, open to all: <c>/healthz</c> (the process answers) and <c>/readyz</c> (the store answers too).</summary>
internal static class HealthApi
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(3);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok"))).AllowAnonymous().WithTags("Health")
            .Produces<HealthStatus>();
        routes.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health")
            .Produces<HealthStatus>().ProducesProblems(503);
    }

    private static async Task<IResult> Ready(IWharfStore store, ILoggerFactory loggers, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StoreTimeout);
        bool ready;
        try
        {
            ready = await store.PingAsync(timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(HealthApi)).LogWarning(e, "The store did not answer the readiness probe");
            ready = false;
        }

        return ready
            ? TypedResults.Ok(new HealthStatus("ready", store.Engine))
            : Problem.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.NotReady, $"the {store.Engine} store does not answer");
    }
}
