using System.Text;

namespace Wharf.Agent.Drivers;

/// <summary>
/// The environment every driver gives a rank: the job's own variables, then Wharf's, which win on a clash.
/// <list type="bullet">
/// <item><c>WHARF_JOB_ID</c>, <c>WHARF_RANK</c>, <c>WHARF_REPLICAS</c></item>
/// <item><c>WHARF_PORT_&lt;NAME&gt;</c>: the port allocated for each declared port</item>
/// <item><c>WHARF_PEER_&lt;HOST&gt;_HOST</c>, <c>WHARF_PEER_&lt;HOST&gt;_JOB_ID</c>, <c>WHARF_PEER_&lt;HOST&gt;_PORT_&lt;NAME&gt;</c>: each peer</item>
/// <item><c>WHARF_FILE_&lt;NAME&gt;</c>: the path at which the job sees each file or folder</item>
/// </list>
/// Names are upper-cased, and every character other than a letter or digit becomes <c>_</c> (<c>my-db</c> → <c>MY_DB</c>).
/// </summary>
public static class TaskEnvironment
{
    /// <summary>The name as it appears inside a variable name: <c>my-db</c> → <c>MY_DB</c>.</summary>
    public static string VariableName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The full environment of a rank.
    /// </summary>
    /// <param name="spec">The rank.</param>
    /// <param name="ports">The ports allocated to it, by name.</param>
    /// <param name="peerHosts">For each peer hostname, what the job should connect to (the hostname itself where it resolves inside the job); peers not listed get their <see cref="TaskPeer.Address"/>.</param>
    /// <param name="filePaths">For each file's <see cref="FileMount.Name"/>, the absolute path at which the job sees it.</param>
    public static Dictionary<string, string> Build(
        TaskSpec spec,
        IReadOnlyDictionary<string, int> ports,
        IReadOnlyDictionary<string, string> peerHosts,
        IReadOnlyDictionary<string, string> filePaths)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(peerHosts);
        ArgumentNullException.ThrowIfNull(filePaths);
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            ["WHARF_JOB_ID"] = spec.JobId,
            ["WHARF_RANK"] = spec.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WHARF_REPLICAS"] = spec.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, port) in ports)
        {
            environment[$"WHARF_PORT_{VariableName(name)}"] = Number(port);
        }

        foreach (var (hostname, peer) in spec.Peers)
        {
            var prefix = $"WHARF_PEER_{VariableName(hostname)}";
            environment[$"{prefix}_HOST"] = peerHosts.TryGetValue(hostname, out var host) ? host : peer.Address;
            environment[$"{prefix}_JOB_ID"] = peer.JobId;
            foreach (var (name, port) in peer.Ports)
            {
                environment[$"{prefix}_PORT_{VariableName(name)}"] = Number(port);
            }
        }

        foreach (var (name, path) in filePaths)
        {
            environment[$"WHARF_FILE_{VariableName(name)}"] = path;
        }

        return environment;
    }

    /// <summary>
    /// Expands <c>$(NAME)</c> references in a command argument from the task's final environment, as Kubernetes
    /// expands a container's command: a reference to a variable that is not set is left as written, and <c>$$</c>
    /// stands for a literal <c>$</c> (so <c>$$(NAME)</c> gives <c>$(NAME)</c>). No shell is involved.
    /// </summary>
    public static string Expand(string argument, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(environment);
        if (!argument.Contains('$', StringComparison.Ordinal))
        {
            return argument;
        }

        var builder = new StringBuilder(argument.Length);
        for (var i = 0; i < argument.Length; i++)
        {
            var c = argument[i];
            if (c != '$' || i + 1 >= argument.Length)
            {
                builder.Append(c);
                continue;
            }

            var next = argument[i + 1];
            if (next == '$')
            {
                builder.Append('$');
                i++;
                continue;
            }

            var close = next == '(' ? argument.IndexOf(')', i + 2) : -1;
            if (close < 0)
            {
                builder.Append(c);
                continue;
            }

            var name = argument[(i + 2)..close];
            if (environment.TryGetValue(name, out var value))
            {
                builder.Append(value);
            }
            else
            {
                builder.Append(argument, i, close - i + 1);
            }

            i = close;
        }

        return builder.ToString();
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
