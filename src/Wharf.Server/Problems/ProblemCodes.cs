namespace Wharf.Server.Problems;

/// <summary>The stable, machine-readable codes of Wharf's problem responses; clients match on these, never on text.</summary>
internal static class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedJson = "malformed_json";
    public const string BadRequest = "bad_request";
    public const string PayloadTooLarge = "payload_too_large";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string DuplicateJob = "duplicate_job";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string InvalidTransition = "invalid_transition";
    public const string Conflict = "conflict";
    public const string NotReady = "not_ready";
    public const string InternalError = "internal_error";
    public const string UnknownAgent = "unknown_agent";

    /// <summary>The title for a code, or a generic one.</summary>
    public static string Title(string code) => code switch
    {
        ValidationFailed => "The request is not valid",
        MalformedJson => "The request body is not valid JSON for this request",
        BadRequest => "The request cannot be read",
        PayloadTooLarge => "The request body is too large",
        Unauthorized => "Authentication is required",
        Forbidden => "Not allowed",
        NotFound => "Not found",
        MethodNotAllowed => "Method not allowed",
        DuplicateJob => "An equal job is already active",
        IdempotencyConflict => "The idempotency key was used for another request",
        InvalidTransition => "The job cannot make this change in its current state",
        Conflict => "The jobs changed concurrently",
        NotReady => "The server is not ready",
        InternalError => "Internal error",
        UnknownAgent => "The agent is not registered (any more); register again",
        _ => "Error",
    };
}
