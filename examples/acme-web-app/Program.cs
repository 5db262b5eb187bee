using System.Net;
using Acme.WebApp;

var options = WebAppOptions.Parse(args, Environment.GetEnvironmentVariable, out var error);
if (options is null)
{
    if (string.IsNullOrEmpty(error))
    {
        Console.WriteLine(WebAppOptions.Usage);
        return 0;
    }
    Console.Error.WriteLine($"acme-web-app: {error}");
    Console.Error.WriteLine(WebAppOptions.Usage);
    return 2;
}

// No args reach the host: ours are parsed above, and the job's working folder is not a content root.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Any, options.Port));
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

var database = new DatabaseClient(options.DatabaseHost, options.DatabasePort);
var home = new HomePage(database);

var app = builder.Build();
app.MapGet("/", (CancellationToken ct) => home.RenderAsync(ct));
app.MapGet("/healthz", () => Results.Text("ok\n"));
app.MapGet("/readyz", async (CancellationToken ct) =>
{
    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
    timeout.CancelAfter(TimeSpan.FromSeconds(3));
    try
    {
        await using var session = await database.ConnectAsync(timeout.Token);
        await session.PingAsync(timeout.Token);
        return Results.Text("ok\n");
    }
    catch (Exception e) when (e is DatabaseUnavailableException || (e is OperationCanceledException && !ct.IsCancellationRequested))
    {
        return Results.Text($"database unavailable: {e.Message}\n", statusCode: 503);
    }
});

try
{
    await app.StartAsync();
}
catch (IOException e)
{
    Console.Error.WriteLine($"acme-web-app: cannot listen on port {options.Port}: {e.Message}");
    return 1;
}

var port = app.Urls.Select(url => new Uri(url).Port).FirstOrDefault(options.Port);
Console.WriteLine($"acme-web-app listening on :{port}, database at {database.Address}");

// The host turns SIGTERM and SIGINT into a graceful stop: requests in flight finish, then the process exits 0.
await app.WaitForShutdownAsync();
Console.WriteLine("acme-web-app stopped");
return 0;
