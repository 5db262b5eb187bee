using Wharf.Agent.Drivers;

namespace Wharf.Drivers.Process;

public sealed partial class ProcessDriver : ITaskNetworkDriver
{
    /// <inheritdoc />
    /// <remarks>
    /// An unnamed job namespace is entered by starting the program from a thread inside it. A named one (the job has
    /// peers, or is one) is entered through <c>ip netns exec</c>, which also gives the program the job's hosts file, so
    /// that peers resolve by hostname there as in the job.
    /// </remarks>
    public async Task StartInTaskNetworkAsync(TaskHandle handle, System.Diagnostics.Process process, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        var task = Find(handle);
        cancellationToken.ThrowIfCancellationRequested();
        if (task.Released || task.Network is not { } network || _topology is null)
        {
            process.Start();
            return;
        }

        if (network.Named)
        {
            var info = process.StartInfo;
            if (info.ArgumentList.Count == 0 && !string.IsNullOrEmpty(info.Arguments))
            {
                // A command line in one string is parsed by .NET: put the program in front, quoted the same way.
                info.Arguments = $"netns exec \"{network.Name}\" \"{info.FileName}\" {info.Arguments}";
            }
            else
            {
                var arguments = info.ArgumentList.ToList();
                info.ArgumentList.Clear();
                foreach (var argument in (string[])["netns", "exec", network.Name, info.FileName, .. arguments])
                {
                    info.ArgumentList.Add(argument);
                }
            }

            info.FileName = _host.Ip!;
            process.Start();
            return;
        }

        await _topology.RunInAsync(network, process.Start).ConfigureAwait(false);
    }
}
