using System.Diagnostics;
using Microsoft.Data.Sqlite;
using static Wharf.Bench.Server.Stats;

namespace Wharf.Bench.Server;

/// <summary>What the machine itself can do: spawn processes, insert rows into SQLite.</summary>
internal sealed record Limits(double CSpawnsPerSecond, double DotnetSpawnsPerSecond, double SqliteRowsPerSecond)
{
    /// <summary>The raw spawn rate: the C program's when gcc was there, else .NET's.</summary>
    public double SpawnsPerSecond => double.IsNaN(CSpawnsPerSecond) ? DotnetSpawnsPerSecond : CSpawnsPerSecond;
}

/// <summary>
/// Raw fork+exec of <c>/bin/true</c> per second (a small C program compiled with gcc when present, and .NET's
/// Process.Start), and SQLite's raw insert rate: 1,000,000 rows of about 200 bytes in one transaction, WAL,
/// synchronous=NORMAL — the settings Wharf's SQLite store uses.
/// </summary>
internal static class MachineLimits
{
    private const string SpawnProgram = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <time.h>
        #include <unistd.h>
        #include <sys/wait.h>
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 5000;
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            for (int i = 0; i < n; i++) {
                pid_t pid = fork();
                if (pid == 0) { execl("/bin/true", "true", (char *)0); _exit(127); }
                int status; waitpid(pid, &status, 0);
            }
            clock_gettime(CLOCK_MONOTONIC, &b);
            printf("%f\n", n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9));
            return 0;
        }
        """;

    public static async Task<Limits> MeasureAsync(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var c = await CSpawnRateAsync(workDirectory);
        var dotnet = DotnetSpawnRate(2000);
        var sqlite = SqliteInsertRate(Path.Combine(workDirectory, "raw.db"), 1_000_000);
        var limits = new Limits(c, dotnet, sqlite);
        Console.WriteLine($"machine limits: fork+exec of /bin/true {(double.IsNaN(c) ? "(no gcc)" : F(c) + "/s (C)")}, {F(dotnet)}/s (.NET Process.Start);"
            + $" SQLite raw insert {F(sqlite)} rows/s (1M rows, one transaction)");
        return limits;
    }

    private static async Task<double> CSpawnRateAsync(string workDirectory)
    {
        var source = Path.Combine(workDirectory, "spawn.c");
        var binary = Path.Combine(workDirectory, "spawn");
        await File.WriteAllTextAsync(source, SpawnProgram);
        try
        {
            using var gcc = Process.Start("gcc", ["-O2", "-o", binary, source]);
            await gcc.WaitForExitAsync();
            if (gcc.ExitCode != 0) return double.NaN;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }

        var rates = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            using var spawn = Process.Start(new ProcessStartInfo(binary, "5000") { RedirectStandardOutput = true })!;
            var output = await spawn.StandardOutput.ReadToEndAsync();
            await spawn.WaitForExitAsync();
            rates.Add(double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }

        return Percentile(rates, 0.5);
    }

    private static double DotnetSpawnRate(int count)
    {
        for (var i = 0; i < 20; i++) Process.Start("/bin/true")!.WaitForExit();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var process = Process.Start("/bin/true")!;
            process.WaitForExit();
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static double SqliteInsertRate(string path, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, payload TEXT);";
            setup.ExecuteNonQuery();
        }

        var payload = new string('x', 180);
        var clock = Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO t(k, payload) VALUES ($k, $p)";
            var k = insert.Parameters.Add("$k", SqliteType.Integer);
            var p = insert.Parameters.Add("$p", SqliteType.Text);
            p.Value = payload;
            insert.Prepare();
            for (var i = 0; i < rows; i++)
            {
                k.Value = i;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        var rate = rows / clock.Elapsed.TotalSeconds;
        connection.Close();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, "raw.db*")) File.Delete(file);
        return rate;
    }
}
