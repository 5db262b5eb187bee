using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace Wharf.Server.Hosting;

/// <summary>
/// The server the application runs on: Kestrel for the network, and beside it an in-memory door to the same
/// application for a client in this process — the local agent of <c>wharf up</c>. A request through
/// <see cref="CreateHandler"/> runs the whole pipeline (authentication, routing, problems) as one from the network
/// does, but no socket, no TCP and no HTTP text is involved: on a small machine that hop cost about a tenth of the
/// CPU a trivial job takes (the agent makes three requests per job). The in-memory door is ASP.NET Core's own
/// in-process server (<see cref="TestServer"/>, from its TestHost package), which is what it was made for in tests.
/// </summary>
internal sealed class InProcessServer(IServer network, TestServer memory) : IServer
{
    /// <summary>Kestrel's features: the addresses it is bound to.</summary>
    public IFeatureCollection Features => network.Features;

    /// <summary>
    /// Replaces the registered server (Kestrel, by the web host's defaults) with this one around it, and registers
    /// this one under its own type too, for <see cref="WharfServerHost.CreateInProcessHandler"/>.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        var kestrel = services.Last(d => d.ServiceType == typeof(IServer));
        services.Remove(kestrel);
        services.AddSingleton(provider => new InProcessServer(
            kestrel.ImplementationType is { } type ? (IServer)ActivatorUtilities.CreateInstance(provider, type)
                : kestrel.ImplementationFactory is { } factory ? (IServer)factory(provider)
                : (IServer)kestrel.ImplementationInstance!,
            new TestServer(provider)));
        services.AddSingleton<IServer>(provider => provider.GetRequiredService<InProcessServer>());
    }

    /// <summary>A handler whose requests go to the application in memory; valid once the server has started.</summary>
    public HttpMessageHandler CreateHandler() => memory.CreateHandler();

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        await ((IServer)memory).StartAsync(application, cancellationToken);
        await network.StartAsync(application, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await network.StopAsync(cancellationToken);
        await ((IServer)memory).StopAsync(cancellationToken);
    }

    public void Dispose()
    {
        network.Dispose();
        memory.Dispose();
    }
}
