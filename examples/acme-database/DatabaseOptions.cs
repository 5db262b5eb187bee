using System.Globalization;

namespace Acme.Database;

/// <summary>
/// How one acme-database process is configured: from command-line arguments first, then the environment
/// Wharf gives a job (<c>WHARF_PORT_DB</c>), then defaults.
/// </summary>
internal sealed record DatabaseOptions
{
    /// <summary>The port used when neither <c>--port</c> nor <c>WHARF_PORT_DB</c> names one.</summary>
    public const int DefaultPort = 7379;

    /// <summary>The TCP port to listen on, on every IPv4 address; 0 lets the OS pick one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The folder the store persists to; created when missing.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>How many log records beyond the live keys are tolerated before the log is compacted.</summary>
    public int CompactAfter { get; init; } = 1000;

    /// <summary>The usage text printed for <c>--help</c> and on bad arguments.</summary>
    public const string Usage =
        """
        usage: AcmeDatabase [--port PORT] [--data DIR] [--compact-after N]
          --port PORT        TCP port to listen on (env WHARF_PORT_DB, default 7379; 0 = any free port)
          --data DIR         folder to persist to (env ACME_DATABASE_DATA, default ./data)
          --compact-after N  stale log records tolerated before compaction (default 1000)
        """;

    /// <summary>Reads the options; returns null and an error message when an argument is wrong.</summary>
    public static DatabaseOptions? Parse(
        IReadOnlyList<string> args, Func<string, string?> environment, out string? error)
    {
        error = null;
        var options = new DatabaseOptions();

        var envPort = environment("WHARF_PORT_DB");
        if (!string.IsNullOrWhiteSpace(envPort))
        {
            if (!TryParsePort(envPort, out var port))
            {
                error = $"WHARF_PORT_DB is not a port: '{envPort}'";
                return null;
            }
            options = options with { Port = port };
        }

        var envData = environment("ACME_DATABASE_DATA");
        if (!string.IsNullOrWhiteSpace(envData))
        {
            options = options with { DataDirectory = envData };
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                error = "";
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = $"missing value after {name}";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--port" when TryParsePort(value, out var port):
                    options = options with { Port = port };
                    break;
                case "--data" when value.Length > 0:
                    options = options with { DataDirectory = value };
                    break;
                case "--compact-after" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    options = options with { CompactAfter = n };
                    break;
                case "--port" or "--data" or "--compact-after":
                    error = $"bad value for {name}: '{value}'";
                    return null;
                default:
                    error = $"unknown argument: {name}";
                    return null;
            }
        }

        return options with { DataDirectory = Path.GetFullPath(options.DataDirectory) };
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
