using System.Text.Json;
using Wharf.Domain.Serialization;

namespace Wharf.Server.Problems;

/// <summary>A problem response: writes its <see cref="ProblemDocument"/> as <c>application/problem+json</c>.</summary>
internal sealed class ProblemResult(ProblemDocument document) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string ContentType = "application/problem+json";

    public ProblemDocument Document { get; } = document;

    int? IStatusCodeHttpResult.StatusCode => Document.Status;

    string IContentTypeHttpResult.ContentType => ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Document.Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(response.Body, Document, WharfJson.Options, httpContext.RequestAborted);
    }
}
