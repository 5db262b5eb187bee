namespace Wharf.Server.Hosting;

/// <summary>
/// A host lifetime that leaves SIGINT and SIGTERM to whoever owns the <see cref="WharfServerHost"/>. ASP.NET's
/// console lifetime would stop the server on its own at the same signal, while `wharf up` still needs it to let the
/// embedded agent report its last events before the server goes; the owner stops the server by disposing it.
/// </summary>
internal sealed class OwnerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
