using System.Text.RegularExpressions;
using Wharf.Server.Problems;

namespace Wharf.Server.Api;

/// <summary>The shapes of names and ids the API accepts, checked before anything reaches the store.</summary>
internal static partial class Identifiers
{
    /// <summary>Job ids are decimal numbers; anything else names no job (and never reaches a query).</summary>
    public static bool IsJobId(string? id) => id is not null && JobId().IsMatch(id);

    /// <summary>User and project names: 1–128 letters, digits and <c>. _ @ -</c>, starting with a letter or digit.</summary>
    public static bool IsPrincipalName(string? name) => name is not null && PrincipalName().IsMatch(name);

    /// <summary>An <c>Idempotency-Key</c>: 1–255 visible ASCII characters.</summary>
    public static bool IsIdempotencyKey(string? key) => key is not null && IdempotencyKey().IsMatch(key);

    /// <summary>The request header that makes a creation idempotent.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The request's <c>Idempotency-Key</c> (null when none was sent), or false when several or a malformed one were sent.</summary>
    public static bool TryReadIdempotencyKey(HttpRequest request, out string? key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = request.Headers[IdempotencyHeader];
        key = keys.Count == 1 ? keys[0] : null;
        return keys.Count == 0 || (keys.Count == 1 && IsIdempotencyKey(keys[0]));
    }

    /// <summary>The problem for a request whose <c>Idempotency-Key</c> <see cref="TryReadIdempotencyKey"/> refused.</summary>
    public static ProblemResult InvalidIdempotencyKey() =>
        Problem.Validation(IdempotencyHeader, "invalid_value", "send at most one Idempotency-Key of 1–255 visible ASCII characters");

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex JobId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")]
    private static partial Regex PrincipalName();

    [GeneratedRegex("^[\\x21-\\x7E]{1,255}$")]
    private static partial Regex IdempotencyKey();
}
