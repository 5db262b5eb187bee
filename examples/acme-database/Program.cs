using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Acme.Database;

var options = DatabaseOptions.Parse(args, Environment.GetEnvironmentVariable, out var error);
if (options is null)
{
    if (string.IsNullOrEmpty(error))
    {
        Console.WriteLine(DatabaseOptions.Usage);
        return 0;
    }
    Console.Error.WriteLine($"acme-database: {error}");
    Console.Error.WriteLine(DatabaseOptions.Usage);
    return 2;
}

using var shutdown = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

KeyValueStore store;
try
{
    store = KeyValueStore.Open(options.DataDirectory, options.CompactAfter, DemoData.Keys);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or DecoderFallbackException)
{
    Console.Error.WriteLine($"acme-database: cannot open the store in {options.DataDirectory}: {e.Message}");
    return 1;
}

using (store)
{
    var listener = new TcpListener(IPAddress.Any, options.Port);
    try
    {
        listener.Start();
    }
    catch (SocketException e)
    {
        Console.Error.WriteLine($"acme-database: cannot listen on port {options.Port}: {e.Message}");
        return 1;
    }

    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    Console.WriteLine($"acme-database listening on :{port}, data in {options.DataDirectory}");
    Console.WriteLine(store.IsNew
        ? $"acme-database: new store, seeded {store.Count} demo keys"
        : $"acme-database: loaded {store.Count} keys");

    await new DatabaseServer(listener, new CommandInterpreter(store)).RunAsync(shutdown.Token);
}

// The store is disposed (log flushed to disk, lock released) before this line.
Console.WriteLine("acme-database stopped");
return 0;

void Stop(PosixSignalContext context)
{
    // Take over the signal's default (immediate exit) so the store is closed cleanly and the exit code is 0.
    context.Cancel = true;
    shutdown.Cancel();
}
