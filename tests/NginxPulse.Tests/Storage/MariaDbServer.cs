using MySql.Data.MySqlClient;
using NginxPulse.Tests.Support;

namespace NginxPulse.Tests.Storage;

/// <summary>
/// The MariaDB server the storage tests share: MYSQL_CONNECTION when set (make test), otherwise one private instance
/// started on first use and stopped when the test process exits. Tests never share a database on it
/// (see <see cref="TestDatabase"/>), so test classes run in parallel.
/// </summary>
public static class MariaDbServer
{
    private static readonly Lazy<Task<string>> Shared = new(StartSharedAsync);

    /// <summary>A connection string to the shared server (its database is only used to create test databases).</summary>
    public static Task<string> ConnectionStringAsync() => Shared.Value;

    private static async Task<string> StartSharedAsync()
    {
        var configured = Environment.GetEnvironmentVariable("MYSQL_CONNECTION");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        await RemoveLeftoversAsync();
        var dir = Path.Combine(Path.GetTempPath(), $"nginxpulse-test-mariadb-{Environment.ProcessId}");
        // xunit 2 has no assembly teardown: process exit is the last moment we are sure no test needs the server.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            MariaDbScript.Stop(dir);
            // Best effort: a leftover temp directory is harmless, an exception in an exit handler is not.
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        return await MariaDbScript.StartAsync(dir, LoopbackPort.Free());
    }

    // The test host may be ended before the exit handler has deleted the data directory (the server is stopped
    // first); clear what earlier, finished runs left behind.
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "nginxpulse-test-mariadb-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)["nginxpulse-test-mariadb-".Length..], out var pid) || IsAlive(pid)) continue;
            await MariaDbScript.StopAsync(dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool IsAlive(int pid)
    {
        try { return !System.Diagnostics.Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>The same server, another database.</summary>
    public static string WithDatabase(string connectionString, string database) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
}
