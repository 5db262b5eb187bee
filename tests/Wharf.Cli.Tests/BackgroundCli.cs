namespace Wharf.Cli.Tests;

/// <summary>A long-running <c>wharf</c> command (<c>up</c>, <c>agent</c>) run in-process in the background, stopped as Ctrl-C would.</summary>
internal sealed class BackgroundCli : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private readonly CapturedWriter _out = new();
    private readonly CapturedWriter _error = new();
    private readonly Task<int> _run;

    private BackgroundCli(Cli cli, string[] args)
    {
        _run = Task.Run(() => WharfCommandLine.RunAsync(args, cli.Environment(_out, _error), _stop.Token));
    }

    public string Out => _out.Text;

    public string Error => _error.Text;

    /// <summary>Starts the command and waits until its standard output contains <paramref name="ready"/>.</summary>
    public static async Task<BackgroundCli> StartAsync(Cli cli, string ready, params string[] args)
    {
        var background = new BackgroundCli(cli, args);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!background.Out.Contains(ready, StringComparison.Ordinal))
        {
            if (background._run.IsCompleted || DateTime.UtcNow > deadline)
            {
                var code = background._run.IsCompleted ? await background._run : -1;
                Assert.Fail($"wharf {string.Join(' ', args)} did not get ready (exit {code})\n--- out\n{background.Out}\n--- error\n{background.Error}");
            }

            await Task.Delay(20);
        }

        return background;
    }

    /// <summary>Cancels the command, as Ctrl-C does, and returns what it left.</summary>
    public async Task<CliResult> StopAsync()
    {
        await _stop.CancelAsync();
        var code = await _run;
        return new CliResult(code, Out, Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
