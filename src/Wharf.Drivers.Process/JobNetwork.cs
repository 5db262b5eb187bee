using System.Globalization;
using System.Text;

namespace Wharf.Drivers.Process;

/// <summary>
/// One job's network namespace on this node, shared by the job's ranks on this node: its links to peers' namespaces
/// and the hosts file that makes peer hostnames resolve inside it. A job that has no peers, and that no job here names
/// as one, gets an unnamed namespace: made without starting a program, entered by the launch, reached through
/// <see cref="Handle"/>, and given its name only when a job names it as a peer.
/// </summary>
internal sealed class JobNetwork(string jobId, string name)
{
    public string JobId { get; } = jobId;

    /// <summary>The namespace's name (<c>wharf-&lt;job id&gt;</c>), as <c>ip netns</c> knows it once <see cref="Named"/>.</summary>
    public string Name { get; } = name;

    /// <summary>Whether the namespace is bound at <see cref="NamespacePath"/> (so <c>ip -n</c>, <c>ip netns exec</c> and the hosts file work).</summary>
    public bool Named { get; set; }

    /// <summary>
    /// Whether a process may be left in the namespace when its last rank leaves: true unless every rank that left was
    /// known to leave nothing behind, and for a namespace adopted from a previous agent.
    /// </summary>
    public bool MayHoldStrays { get; set; }

    /// <summary>An open handle of the namespace (it keeps the namespace alive); null for a named one this driver did not make.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle? Handle { get; set; }

    /// <summary>The namespace's identity as <c>/proc/&lt;pid&gt;/ns/net</c> links show it (<c>net:[4026532301]</c>), when known.</summary>
    public string? Identity { get; set; }

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

    /// <summary>Learns, from the hosts file an earlier run of the agent wrote, which peer hostnames resolve where.</summary>
    public void ReadHostsFile()
    {
        if (!File.Exists(HostsPath))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(HostsPath))
        {
            var parts = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && (LinkAddresses.SubnetOf(parts[0]) is not null || LinkAddresses.IsRemotePeerAddress(parts[0])))
            {
                Hosts[parts[1]] = parts[0];
            }
        }
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
