namespace Wharf.Server.Problems;

/// <summary>Declares, for the OpenAPI document, which problem statuses an endpoint may answer with.</summary>
internal static class ProblemMetadata
{
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statuses)
        {
            builder.Produces<ProblemDocument>(status, ProblemResult.ContentType);
        }

        return builder;
    }
}
