namespace Wharf.Storage;

/// <summary>API tokens. Only a SHA-256 digest of each secret is stored; the secret is shown once, at creation.</summary>
public interface ITokenStore
{
    /// <summary>Stores a new token.</summary>
    Task CreateAsync(TokenRecord token, CancellationToken cancellationToken);

    /// <summary>The token whose secret has this digest, or null (also when revoked).</summary>
    Task<TokenRecord?> FindByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Every token that is not revoked, newest first.</summary>
    Task<IReadOnlyList<TokenRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a token by id; false when there is none.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when some token that is not revoked has this role.</summary>
    Task<bool> AnyWithRoleAsync(TokenRole role, CancellationToken cancellationToken);
}

/// <summary>A stored token.</summary>
/// <param name="Id">A public id (not the secret), for listing and revoking.</param>
/// <param name="Hash">The hex SHA-256 of the secret.</param>
/// <param name="Role">What the bearer may do.</param>
/// <param name="User">The user (or agent) name the bearer acts as.</param>
/// <param name="Project">The project a user's token acts for; null for admins and agents.</param>
/// <param name="Name">A label for people.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
public sealed record TokenRecord(
    string Id, string Hash, TokenRole Role, string User, string? Project, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>Roles.</summary>
public enum TokenRole
{
    /// <summary>Sees and changes the jobs of one project; lists the catalog.</summary>
    User,

    /// <summary>Operates Wharf: the catalog, tokens, every project's jobs.</summary>
    Admin,

    /// <summary>An agent: registers nodes, takes placements, reports.</summary>
    Agent,
}
