using System.Globalization;
using System.Text;

namespace Wharf.Drivers.Process;

/// <summary>
/// One job's network namespace on this node, shared by the job's ranks on this node: its links to peers' namespaces
/// and the hosts file that makes peer hostnames resolve inside it.
/// </summary>
internal sealed class JobNetwork(string jobId, string name)
{
    public string JobId { get; } = jobId;

    /// <summary>The namespace's name (<c>wharf-&lt;job id&gt;</c>), as <c>ip netns</c> knows it.</summary>
    public string Name { get; } = name;

    public string NamespacePath => $"/run/netns/{Name}";

    /// <summary><c>ip netns exec</c> bind-mounts this file over <c>/etc/hosts</c> for the job's processes.</summary>
    public string HostsFolder => $"/etc/netns/{Name}";

    public string HostsPath => Path.Combine(HostsFolder, "hosts");

    /// <summary>How many ranks (started or recovered tasks) use the namespace; the last one to leave removes it.</summary>
    public int Users { get; set; }

    /// <summary>Link subnets with a veth end in this namespace, and the job at the other end ("" when not known).</summary>
    public Dictionary<int, string> Links { get; } = [];

    /// <summary>Peer hostnames and the addresses they resolve to inside the job.</summary>
    public SortedDictionary<string, string> Hosts { get; } = new(StringComparer.Ordinal);

    /// <summary>This job's peers on this node by hostname, kept so that links are made again when a peer's namespace is.</summary>
    public Dictionary<string, string> PeerJobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Forwarders that let the job reach peers that run elsewhere.</summary>
    public List<TcpForward> PeerForwards { get; } = [];

    public string HostsFileText()
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var (hostname, address) in Hosts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{address}\t{hostname}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The namespace name for a job: <c>wharf-</c>, the driver's scope and the id, with characters other than letters,
    /// digits, <c>-_.</c> replaced.
    /// </summary>
    public static string NameFor(string? scope, string jobId)
    {
        var name = new StringBuilder("wharf-");
        if (!string.IsNullOrEmpty(scope))
        {
            name.Append(scope).Append('-');
        }

        foreach (var c in jobId.Length > 120 ? jobId[..120] : jobId)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return name.ToString();
    }
}
