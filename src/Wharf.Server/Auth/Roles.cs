using Wharf.Storage;

namespace Wharf.Server.Auth;

/// <summary>The wire names of <see cref="TokenRole"/>: <c>user</c>, <c>admin</c>, <c>agent</c>.</summary>
internal static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
    public const string Agent = "agent";

    public static string ToWire(TokenRole role) => role switch
    {
        TokenRole.User => User,
        TokenRole.Admin => Admin,
        TokenRole.Agent => Agent,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? text, out TokenRole role)
    {
        switch (text)
        {
            case User:
                role = TokenRole.User;
                return true;
            case Admin:
                role = TokenRole.Admin;
                return true;
            case Agent:
                role = TokenRole.Agent;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
