using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Examples.Tests;

/// <summary>
/// One example program running as a real process (<c>dotnet X.dll</c>, as the catalog launches it), with its
/// output captured and the port it announced in its "listening on :PORT" line.
/// </summary>
public sealed partial class ExampleProgram : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _exited;

    private ExampleProgram(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Waits for the process and for the end of its output, so Output is complete once this finishes.
        _exited = _process.WaitForExitAsync();
    }

    /// <summary>The acme-database program.</summary>
    public static string Database => ProgramPath("AcmeDatabaseDll");

    /// <summary>The acme-web-app program.</summary>
    public static string WebApp => ProgramPath("AcmeWebAppDll");

    /// <summary>The port the program said it listens on.</summary>
    public int Port => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException("the program has not announced a port");

    /// <summary>Everything the program wrote so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <paramref name="program"/> without waiting for anything.</summary>
    public static ExampleProgram Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The test runner might itself run inside a Wharf job: none of its settings may leak into the programs.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("WHARF_", StringComparison.Ordinal) || k.StartsWith("ACME_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return new ExampleProgram(new Process { StartInfo = start });
    }

    /// <summary>Starts <paramref name="program"/> and waits until it announces its port.</summary>
    public static async Task<ExampleProgram> StartListeningAsync(
        string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var started = Start(program, args, environment);
        var first = await Task.WhenAny(started._listening.Task, started._exited, Task.Delay(StartTimeout));
        if (first != started._listening.Task)
        {
            var why = first == started._exited ? $"exited with code {started._process.ExitCode}" : "did not start in time";
            await started.DisposeAsync();
            throw new InvalidOperationException($"{Path.GetFileName(program)} {why}. Output:\n{started.Output}");
        }
        return started;
    }

    /// <summary>Waits for the program to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _exited.WaitAsync(StopTimeout);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a driver stopping a job does, and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
        return await WaitForExitAsync();
    }

    /// <summary>Kills the program at once (SIGKILL), like a crash or a power cut of the process.</summary>
    public async Task CrashAsync()
    {
        _process.Kill();
        await WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _exited.WaitAsync(StopTimeout);
        }
        _process.Dispose();
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string ProgramPath(string key)
    {
        var path = typeof(ExampleProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value!;
        path = Path.GetFullPath(path);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the example first: {path} is missing", path);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"listening on :(\d+)")]
    private static partial Regex ListeningLine();
}
