using System.Net;
using Wharf.Domain.Validation;

namespace Wharf.Client;

/// <summary>
/// An error answer from a Wharf server: the HTTP status and the RFC 9457 problem it carried. Callers branch on
/// <see cref="Code"/> (<c>validation_failed</c>, <c>not_found</c>, …), never on the message text.
/// </summary>
public sealed class WharfApiException : Exception
{
    /// <summary>Creates the exception for a problem answered with <paramref name="status"/>.</summary>
    public WharfApiException(HttpStatusCode status, string code, string? title, string? detail, IReadOnlyList<ValidationError> errors)
        : base(Describe(status, code, title, detail))
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>
    /// The problem's stable code. When the answer was not a Wharf problem (a proxy's error page, an unknown route),
    /// a code derived from the status: <c>unauthorized</c>, <c>forbidden</c>, <c>not_found</c>, … or <c>http_NNN</c>.
    /// </summary>
    public string Code { get; }

    /// <summary>The problem's short title, when it had one.</summary>
    public string? Title { get; }

    /// <summary>The problem's explanation for people, when it had one.</summary>
    public string? Detail { get; }

    /// <summary>Every field error the problem listed (empty when it listed none).</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string Describe(HttpStatusCode status, string code, string? title, string? detail) =>
        $"{(int)status} {code}: {detail ?? title ?? status.ToString()}";
}
