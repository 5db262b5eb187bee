namespace Wharf.Client;

/// <summary>A token just issued: its public id and its secret, which the server shows only this once.</summary>
/// <param name="Id">The public id, for listing and revoking.</param>
/// <param name="Token">The secret to send as <c>Authorization: Bearer</c>.</param>
/// <param name="Role"><c>user</c>, <c>admin</c> or <c>agent</c>.</param>
/// <param name="User">The user (or agent) name the bearer acts as.</param>
/// <param name="Project">The project of a user's token.</param>
/// <param name="Name">The label given at creation.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
public sealed record IssuedToken(
    string Id, string Token, string Role, string User, string? Project,
    string? Name = null, DateTimeOffset? CreatedAt = null, DateTimeOffset? ExpiresAt = null);
