using System.Globalization;

namespace Acme.WebApp;

/// <summary>
/// How one acme-web-app process is configured: command-line arguments first, then the environment Wharf gives
/// a job (its own port, and the address of its peer named <c>database</c>), then defaults.
/// </summary>
internal sealed record WebAppOptions
{
    /// <summary>The HTTP port to listen on, on every IPv4 address; 0 lets the OS pick one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The database's host name; by default the peer host name <c>database</c>.</summary>
    public string DatabaseHost { get; init; } = "database";

    /// <summary>The database's port.</summary>
    public int DatabasePort { get; init; } = 7379;

    /// <summary>The usage text printed for <c>--help</c> and on bad arguments.</summary>
    public const string Usage =
        """
        usage: AcmeWebApp [--port PORT] [--database-host HOST] [--database-port PORT]
          --port PORT            HTTP port (env WHARF_PORT_HTTP, default 8080; 0 = any free port)
          --database-host HOST   database host (env WHARF_PEER_DATABASE_HOST, default 'database')
          --database-port PORT   database port (env WHARF_PEER_DATABASE_PORT_DB, default 7379)
        """;

    /// <summary>Reads the options; returns null and an error message (empty for <c>--help</c>) when it cannot.</summary>
    public static WebAppOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        error = null;
        var options = new WebAppOptions();
        var settings = new List<(string Name, string Value)>();
        AddFromEnvironment(settings, environment, "WHARF_PORT_HTTP", "--port");
        AddFromEnvironment(settings, environment, "WHARF_PEER_DATABASE_HOST", "--database-host");
        AddFromEnvironment(settings, environment, "WHARF_PEER_DATABASE_PORT_DB", "--database-port");

        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                error = "";
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = $"missing value after {args[i]}";
                return null;
            }
            settings.Add((args[i], args[++i]));
        }

        // Later settings win, so arguments override the environment.
        foreach (var (name, value) in settings)
        {
            switch (name)
            {
                case "--port" when TryParsePort(value, out var port):
                    options = options with { Port = port };
                    break;
                case "--database-host" when Uri.CheckHostName(value) != UriHostNameType.Unknown:
                    options = options with { DatabaseHost = value };
                    break;
                case "--database-port" when TryParsePort(value, out var port) && port > 0:
                    options = options with { DatabasePort = port };
                    break;
                case "--port" or "--database-host" or "--database-port":
                    error = $"bad value for {name}: '{value}'";
                    return null;
                default:
                    error = $"unknown argument: {name}";
                    return null;
            }
        }
        return options;
    }

    private static void AddFromEnvironment(
        List<(string, string)> settings, Func<string, string?> environment, string variable, string option)
    {
        var value = environment(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            settings.Add((option, value.Trim()));
        }
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
