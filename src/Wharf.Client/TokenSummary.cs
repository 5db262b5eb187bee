namespace Wharf.Client;

/// <summary>A token as <c>GET /api/tokens</c> lists it: everything but the secret.</summary>
/// <param name="Id">The public id.</param>
/// <param name="Role"><c>user</c>, <c>admin</c> or <c>agent</c>.</param>
/// <param name="User">The user (or agent) name the bearer acts as.</param>
/// <param name="Project">The project of a user's token.</param>
/// <param name="Name">A label for people.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
public sealed record TokenSummary(
    string Id, string Role, string User, string? Project, string? Name, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt);
