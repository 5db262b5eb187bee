using System.Net;
using System.Text.Json;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;

namespace Wharf.Client;

/// <summary>Turns an unsuccessful HTTP answer into a <see cref="WharfApiException"/>.</summary>
internal static class ProblemReader
{
    private const int MaxTextDetail = 500;

    public static async Task<WharfApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var looksLikeJson = mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);

        if (looksLikeJson && TryParse(text, out var problem) && problem is not null)
        {
            return new WharfApiException(
                status,
                problem.Code ?? CodeFromType(problem.Type) ?? CodeFromStatus(status),
                problem.Title,
                problem.Detail,
                problem.Errors?.OfType<ValidationError>().ToList() ?? []);
        }

        // Not a Wharf problem (a proxy's page, a bare status): keep what little there is, bounded.
        var detail = string.IsNullOrWhiteSpace(text)
            ? response.ReasonPhrase
            : text.Length > MaxTextDetail ? text[..MaxTextDetail] + "…" : text.Trim();
        return new WharfApiException(status, CodeFromStatus(status), response.ReasonPhrase, detail, []);
    }

    private static bool TryParse(string text, out ProblemDocument? problem)
    {
        try
        {
            problem = JsonSerializer.Deserialize<ProblemDocument>(text, WharfJson.Options);
            return true;
        }
        catch (JsonException)
        {
            problem = null;
            return false;
        }
    }

    private static string? CodeFromType(string? type)
    {
        const string Prefix = "urn:wharf:problem:";
        return type is not null && type.StartsWith(Prefix, StringComparison.Ordinal) && type.Length > Prefix.Length
            ? type[Prefix.Length..]
            : null;
    }

    private static string CodeFromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "bad_request",
        HttpStatusCode.Unauthorized => "unauthorized",
        HttpStatusCode.Forbidden => "forbidden",
        HttpStatusCode.NotFound => "not_found",
        HttpStatusCode.Conflict => "conflict",
        HttpStatusCode.RequestEntityTooLarge => "payload_too_large",
        _ => $"http_{(int)status}",
    };

    private sealed record ProblemDocument(
        string? Type, string? Title, int? Status, string? Detail, string? Code, IReadOnlyList<ValidationError?>? Errors);
}
