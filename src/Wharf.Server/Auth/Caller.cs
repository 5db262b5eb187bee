using System.Security.Claims;
using Wharf.Domain.Jobs;
using Wharf.Storage;

namespace Wharf.Server.Auth;

/// <summary>Who sent a request: a user (with the project they act for), an admin or an agent.</summary>
/// <param name="User">The user (or agent) name.</param>
/// <param name="Project">The project a user acts for; null when the token names none.</param>
/// <param name="Role">What the caller may do.</param>
internal sealed record Caller(string User, string? Project, TokenRole Role)
{
    private const string UserClaim = "wharf:user";
    private const string ProjectClaim = "wharf:project";

    public bool IsAdmin => Role == TokenRole.Admin;

    /// <summary>True when the caller may see and change <paramref name="job"/>: admins every job, users their project's.</summary>
    public bool CanSee(Job job) => IsAdmin || (Project is not null && string.Equals(job.Owner.Project, Project, StringComparison.Ordinal));

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim>
        {
            new(UserClaim, User),
            new(ClaimTypes.Name, User),
            new(ClaimTypes.Role, Roles.ToWire(Role)),
        };
        if (Project is not null)
        {
            claims.Add(new Claim(ProjectClaim, Project));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The caller of an authenticated request (the authorization policy guarantees one).</summary>
    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var user = principal.FindFirst(UserClaim)?.Value
            ?? throw new InvalidOperationException("the request was not authenticated by Wharf");
        var role = Roles.TryParse(principal.FindFirst(ClaimTypes.Role)?.Value, out var parsed) ? parsed : TokenRole.User;
        return new Caller(user, principal.FindFirst(ProjectClaim)?.Value, role);
    }
}
