using Wharf.Domain.Jobs;

namespace Wharf.Server.Api;

// The envelopes of the native API (UCloud's shapes), as the wire spells them.

/// <summary>A bulk request: <c>{items:[…]}</c>; items may be null on the wire and are checked by hand.</summary>
internal sealed record BulkRequest<T>(IReadOnlyList<T?>? Items);

/// <summary>A bulk answer: <c>{responses:[…]}</c>, one per item, in order.</summary>
internal sealed record BulkResponse<T>(IReadOnlyList<T> Responses);

/// <summary>A listing: <c>{items:[…]}</c>.</summary>
internal sealed record ItemsResponse<T>(IReadOnlyList<T> Items);

/// <summary>A job named by id: <c>{id}</c> (UCloud's <c>FindByStringId</c>).</summary>
internal sealed record FindByStringId(string? Id);

/// <summary>One extension: <c>{jobId, requestedTime{hours, minutes, seconds}}</c>.</summary>
internal sealed record ExtendItem(string? JobId, SimpleDuration? RequestedTime);

/// <summary>An empty answer item, <c>{}</c>.</summary>
internal sealed record Nothing;

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
internal sealed record CreateTokenRequest(string? Role, string? User, string? Project, string? Name, long? ExpiresInSeconds);

/// <summary>A token just issued: the only time its secret is shown.</summary>
internal sealed record CreatedToken(
    string Id, string Token, string Role, string User, string? Project, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A token as listed: never its secret or digest.</summary>
internal sealed record TokenSummary(
    string Id, string Role, string User, string? Project, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>The body of <c>POST /api/tokens/revoke</c>.</summary>
internal sealed record RevokeTokenRequest(string? Id);

/// <summary>The answer of <c>GET /api/whoami</c>.</summary>
internal sealed record WhoAmI(string User, string? Project, string Role);

/// <summary>The answer of <c>/healthz</c> and <c>/readyz</c>.</summary>
internal sealed record HealthStatus(string Status, string? Store = null);
