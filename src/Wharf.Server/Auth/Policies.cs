namespace Wharf.Server.Auth;

/// <summary>The authorization policies endpoints name.</summary>
internal static class Policies
{
    /// <summary>Only admins: catalog writes, tokens.</summary>
    public const string Admin = "wharf-admin";

    /// <summary>Users and admins: the jobs API (agents have their own API).</summary>
    public const string JobsCaller = "wharf-jobs";
}
