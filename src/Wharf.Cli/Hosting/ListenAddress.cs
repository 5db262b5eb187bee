namespace Wharf.Cli.Hosting;

/// <summary>Reads <c>--listen</c>: <c>HOST:PORT</c> (<c>127.0.0.1:8080</c>, <c>0.0.0.0:80</c>, <c>[::1]:8080</c>) or a full <c>http://</c> URL.</summary>
internal static class ListenAddress
{
    public const string Default = "127.0.0.1:8080";

    public static string ToUrl(string text)
    {
        var trimmed = text.Trim();
        var candidate = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "http://" + trimmed;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/"
            || !HasExplicitPort(trimmed))
        {
            throw new UsageException($"--listen: '{text}' is not an address to listen on (expected HOST:PORT such as {Default})");
        }

        return $"{uri.Scheme}://{uri.Host}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    // Uri fills in port 80 for "http://host"; a listen address without a port is almost always a mistake.
    private static bool HasExplicitPort(string text)
    {
        var authority = text.Contains("://", StringComparison.Ordinal) ? text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..] : text;
        authority = authority.TrimEnd('/');
        var lastColon = authority.LastIndexOf(':');
        return lastColon >= 0 && lastColon > authority.LastIndexOf(']') && lastColon < authority.Length - 1;
    }
}
