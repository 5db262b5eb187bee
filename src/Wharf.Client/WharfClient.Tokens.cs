namespace Wharf.Client;

public partial class WharfClient
{
    /// <summary>Issues a token, admins only (<c>POST /api/tokens</c>); the answer holds the secret, shown only this once.</summary>
    public Task<IssuedToken> CreateTokenAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostAsync<TokenRequest, IssuedToken>("api/tokens", request, cancellationToken);
    }

    /// <summary>Every token that is not revoked, admins only (<c>GET /api/tokens</c>).</summary>
    public async Task<IReadOnlyList<TokenSummary>> ListTokensAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync<ItemsResponse<TokenSummary>>("api/tokens", cancellationToken).ConfigureAwait(false);
        return answer.Items ?? [];
    }

    /// <summary>Revokes a token by its public id (<c>POST /api/tokens/revoke</c>).</summary>
    public Task RevokeTokenAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PostAsync<RevokeTokenRequest, Nothing>("api/tokens/revoke", new RevokeTokenRequest(id), cancellationToken);
    }

    /// <summary>Who the server takes the caller to be (<c>GET /api/whoami</c>).</summary>
    public Task<CallerIdentity> WhoAmIAsync(CancellationToken cancellationToken) =>
        GetAsync<CallerIdentity>("api/whoami", cancellationToken);
}
