using Wharf.Domain.Jobs;

namespace Wharf.Client;

// The envelopes of the native API, as the wire spells them; callers of WharfClient never see them.

/// <summary>A bulk request: <c>{items:[…]}</c>.</summary>
internal sealed record BulkRequest<T>(IReadOnlyList<T> Items);

/// <summary>A bulk answer: <c>{responses:[…]}</c>.</summary>
internal sealed record BulkResponse<T>(IReadOnlyList<T>? Responses);

/// <summary>A listing: <c>{items:[…]}</c>.</summary>
internal sealed record ItemsResponse<T>(IReadOnlyList<T>? Items);

/// <summary>A job named by id: <c>{id}</c>.</summary>
internal sealed record JobIdentifier(string Id);

/// <summary>One extension: <c>{jobId, requestedTime}</c>.</summary>
internal sealed record ExtendItem(string JobId, SimpleDuration RequestedTime);

/// <summary>The body of <c>POST /api/tokens/revoke</c>.</summary>
internal sealed record RevokeTokenRequest(string Id);

/// <summary>An answer whose content is not read.</summary>
internal sealed record Nothing;
