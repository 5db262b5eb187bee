using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Wharf.Server.Api;

/// <summary>
/// Endpoint metadata naming the body an endpoint reads by hand, for the OpenAPI document only.
/// <c>.Accepts&lt;T&gt;()</c> cannot be used: routing would then refuse (415) any request whose Content-Type does
/// not match, and seed 000's <c>content-type: application/json; charset=utf-8</c> header must be accepted.
/// </summary>
internal sealed record BodyDescription(Type Type, IReadOnlyList<string> ContentTypes)
{
    /// <summary>Fills in the request body of operations whose endpoint carries a <see cref="BodyDescription"/>.</summary>
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var description = context.Description.ActionDescriptor.EndpointMetadata.OfType<BodyDescription>().FirstOrDefault();
        if (description is null)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(description.Type, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = description.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
        };
    }
}

/// <summary>Declares the body an endpoint reads.</summary>
internal static class BodyDescriptionExtensions
{
    public static RouteHandlerBuilder ReadsBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new BodyDescription(typeof(T), contentTypes.Length == 0 ? ["application/json"] : contentTypes));
    }
}
