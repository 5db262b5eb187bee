using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Wharf.Storage.Tests;

/// <summary>
/// A throwaway PostgreSQL server for tests, started from the installed server binaries in its own temp folder on a
/// free loopback port, and deleted with everything in it on dispose. Each test asks it for a fresh database.
/// Self-contained (Npgsql and the BCL only), so other test projects can link this file.
/// </summary>
/// <remarks>
/// The binaries are found through <c>WHARF_PG_BINDIR</c>, <c>pg_config --bindir</c>, <c>/usr/lib/postgresql/*/bin</c>
/// (highest version) or <c>PATH</c>. <c>initdb</c> and <c>postgres</c> refuse to run as root, so as root every tool
/// runs as the <c>postgres</c> user through <c>runuser</c>, in a folder under /tmp that user owns.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private readonly NpgsqlDataSource _admin;
    private int _disposed;

    private PostgresServer(string binDirectory, bool asPostgresUser, string rootDirectory, int port)
    {
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        RootDirectory = rootDirectory;
        Port = port;
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    /// <summary>The server's folder: data, log and unix socket.</summary>
    public string RootDirectory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    private string DataDirectory => Path.Combine(RootDirectory, "data");

    private string LogFile => Path.Combine(RootDirectory, "postgres.log");

    /// <summary>Finds the binaries, runs initdb and starts the server; fails with a clear message when PostgreSQL is not installed.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found: looked in $WHARF_PG_BINDIR, `pg_config --bindir`, "
            + "/usr/lib/postgresql/*/bin and PATH. Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`; the "
            + "project's test script installs it), or point WHARF_PG_BINDIR at its bin folder.");

        var asPostgresUser = Environment.IsPrivilegedProcess;
        var root = Path.Combine(asPostgresUser ? "/tmp" : Path.GetTempPath(), $"wharf-pg-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(root);
        try
        {
            if (asPostgresUser)
            {
                // The data folder must belong to the user the server runs as.
                await RunAsync("chown", ["postgres:postgres", root], root, cancellationToken);
            }

            await RunToolAsync(
                binDirectory,
                asPostgresUser,
                root,
                "initdb",
                ["-D", Path.Combine(root, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                cancellationToken);

            for (var attempt = 1; ; attempt++)
            {
                var server = new PostgresServer(binDirectory, asPostgresUser, root, FreePort());
                try
                {
                    await server.StartServerAsync(cancellationToken);

                    // Should the test host end without disposing its fixtures, the server must not outlive it.
                    AppDomain.CurrentDomain.ProcessExit += server.StopAtProcessExit;
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Most likely another process took the port between our probe and the server's bind: try another.
                    await server._admin.DisposeAsync();
                }
            }
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> over TCP, as the superuser, without a password.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>
    /// Creates a new, empty database with a unique name and returns its connection string. Databases are not dropped
    /// one by one: the whole server folder goes on dispose, which is cheaper than a DROP per test.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using var command = _admin.CreateCommand($"CREATE DATABASE \"{name}\"");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Stops the server at once (nothing in it is worth a clean shutdown) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopAtProcessExit;
        await _admin.DisposeAsync();
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], CancellationToken.None);
        }
        finally
        {
            TryDelete(RootDirectory);
        }
    }

    private void StopAtProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // fsync and friends are off: this server holds nothing worth keeping, and tests should not wait for disks. A
        // fresh server has no WAL segments to recycle yet and zero-fills each new 16 MB one while writers wait; a server
        // in service recycles them, so neither tests nor benchmarks should pay for that.
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {RootDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_init_zero=off");
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", options, "start"], cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- postgres.log ---\n{ReadLogTail()}", e);
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunToolAsync(_binDirectory, _asPostgresUser, RootDirectory, tool, arguments, cancellationToken);

    private static Task<string> RunToolAsync(
        string binDirectory, bool asPostgresUser, string root, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(binDirectory, tool);
        return asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], root, cancellationToken)
            : RunAsync(path, arguments, root, cancellationToken);
    }

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory, // the postgres user may not be allowed into the caller's folder
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {ToolTimeout.TotalSeconds} s");
        }

        var output = (await stdout) + (await stderr);
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output}");
    }

    private static string? FindBinDirectory()
    {
        static bool HasServer(string? directory) =>
            !string.IsNullOrEmpty(directory) && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        var fromEnvironment = Environment.GetEnvironmentVariable("WHARF_PG_BINDIR");
        if (HasServer(fromEnvironment))
        {
            return fromEnvironment;
        }

        try
        {
            var fromPgConfig = RunAsync("pg_config", ["--bindir"], Path.GetTempPath(), CancellationToken.None).GetAwaiter().GetResult().Trim();
            if (HasServer(fromPgConfig))
            {
                return fromPgConfig;
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            // No pg_config, or one from a client-only install: look elsewhere.
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(c => HasServer(c.Directory))
                .OrderByDescending(c => c.Version)
                .FirstOrDefault();
            if (newest.Directory is not null)
            {
                return newest.Directory;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(HasServer);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string ReadLogTail()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is not worth failing a test run over.
        }
    }
}
