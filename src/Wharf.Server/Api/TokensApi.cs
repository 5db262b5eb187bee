using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;
using Wharf.Server.Auth;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Api;

/// <summary>Tokens (admins): issue, list, revoke; and <c>whoami</c> for every caller.</summary>
internal static class TokensApi
{
    private const long MaxLifetimeSeconds = 10L * 365 * 24 * 3600;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var tokens = routes.MapGroup("/api/tokens").RequireAuthorization(Policies.Admin).WithTags("Tokens");
        tokens.MapPost("", Create).WithName("CreateToken")
            .WithSummary("Issue a token; its secret is in this answer only")
            .ReadsBody<CreateTokenRequest>("application/json")
            .Produces<CreatedToken>().ProducesProblems(400, 401, 403, 413);
        tokens.MapGet("", List).WithName("ListTokens")
            .WithSummary("Every token that is not revoked, without secrets")
            .Produces<ItemsResponse<TokenSummary>>().ProducesProblems(401, 403);
        tokens.MapPost("/revoke", Revoke).WithName("RevokeToken")
            .ReadsBody<RevokeTokenRequest>("application/json")
            .Produces<Nothing>().ProducesProblems(400, 401, 403, 404);

        routes.MapGet("/api/whoami", WhoAmI).WithName("WhoAmI").WithTags("Tokens")
            .WithSummary("Who the server takes the caller to be")
            .Produces<WhoAmI>().ProducesProblems(401);
    }

    private static async Task<IResult> Create(HttpContext http, IWharfStore store, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<CreateTokenRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        var errors = new List<ValidationError>();
        if (!Roles.TryParse(request.Role, out var role))
        {
            errors.Add(new("role", request.Role is null ? "required" : "invalid_value", "role is user, admin or agent"));
        }

        if (!Identifiers.IsPrincipalName(request.User))
        {
            errors.Add(new("user", request.User is null ? "required" : "invalid_value", "user is 1–128 letters, digits and . _ @ -, starting with a letter or digit"));
        }

        if (request.Project is not null && !Identifiers.IsPrincipalName(request.Project))
        {
            errors.Add(new("project", "invalid_value", "project is 1–128 letters, digits and . _ @ -, starting with a letter or digit"));
        }
        else if (request.Project is not null && role == TokenRole.Agent)
        {
            errors.Add(new("project", "not_allowed", "an agent token acts for no project"));
        }

        if (request.Name is { Length: 0 or > 200 })
        {
            errors.Add(new("name", "invalid_value", "name is 1–200 characters"));
        }

        if (request.ExpiresInSeconds is <= 0 or > MaxLifetimeSeconds)
        {
            errors.Add(new("expiresInSeconds", "out_of_range", "expiresInSeconds is positive and at most ten years"));
        }

        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        var now = WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow());
        var secret = TokenSecrets.NewSecret();
        var record = new TokenRecord(
            TokenSecrets.NewId(), TokenSecrets.Hash(secret), role, request.User!, request.Project, request.Name, now,
            request.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : null);
        await store.Tokens.CreateAsync(record, ct);
        return TypedResults.Ok(new CreatedToken(record.Id, secret, Roles.ToWire(role), record.User, record.Project, record.Name, record.CreatedAt, record.ExpiresAt));
    }

    private static async Task<IResult> List(IWharfStore store, CancellationToken ct)
    {
        var tokens = await store.Tokens.ListAsync(ct);
        return TypedResults.Ok(new ItemsResponse<TokenSummary>(
            [.. tokens.Select(t => new TokenSummary(t.Id, Roles.ToWire(t.Role), t.User, t.Project, t.Name, t.CreatedAt, t.ExpiresAt))]));
    }

    private static async Task<IResult> Revoke(HttpContext http, IWharfStore store, TokenCache cache, WharfServerOptions options, CancellationToken ct)
    {
        var (request, _, problem) = await RequestBody.ReadJsonAsync<RevokeTokenRequest>(http, options.MaxRequestBodyBytes, ct);
        if (request is null)
        {
            return problem!;
        }

        if (string.IsNullOrEmpty(request.Id) || request.Id.Length > 100)
        {
            return Problem.Validation("id", "required", "id names the token to revoke");
        }

        if (!await store.Tokens.RevokeAsync(request.Id, WharfJson.ToMilliseconds(options.TimeProvider.GetUtcNow()), ct))
        {
            return Problem.NotFound($"there is no token '{request.Id}'", [new("id", ProblemCodes.NotFound, "no token has this id")]);
        }

        // This server stops accepting the token at once; others sharing the store within TokenCache.Lifetime.
        cache.Clear();
        return TypedResults.Ok(new Nothing());
    }

    private static IResult WhoAmI(HttpContext http)
    {
        var caller = Caller.From(http.User);
        return TypedResults.Ok(new WhoAmI(caller.User, caller.Project, Roles.ToWire(caller.Role)));
    }
}
