using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Benchmarks;

/// <summary>Fresh, migrated benchmark databases with daily partitions, on the server given.</summary>
internal static class BenchmarkDatabase
{
    public static async Task<string> CreateAsync(string server, string prefix, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var name = $"{prefix}_{Environment.ProcessId}";
        await ExecuteAsync(server, $"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` CHARACTER SET utf8mb4", ct);
        var cs = new MySqlConnectionStringBuilder(server) { Database = name, DefaultCommandTimeout = 3600 }.ConnectionString;
        var factory = Factory(cs);
        await new SchemaMigrator(factory, NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct);
        await new PartitionManager(factory, NullLogger<PartitionManager>.Instance).EnsureDailyPartitionsAsync(from, to, ct);
        return cs;
    }

    /// <summary>An existing database on the server (kept by an earlier run), migrated to the current schema.</summary>
    public static async Task<string> MigrateAsync(string server, string name, CancellationToken ct)
    {
        var cs = new MySqlConnectionStringBuilder(server) { Database = name, DefaultCommandTimeout = 3600 }.ConnectionString;
        await new SchemaMigrator(Factory(cs), NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct);
        return cs;
    }

    public static Task DropAsync(string server, string cs, CancellationToken ct) =>
        ExecuteAsync(server, $"DROP DATABASE IF EXISTS `{new MySqlConnectionStringBuilder(cs).Database}`", ct);

    public static async Task ExecuteAsync(string cs, string sql, CancellationToken ct)
    {
        await using var connection = await Factory(cs).OpenAsync(ct);
        await using var cmd = new MySqlCommand(sql, connection) { CommandTimeout = 3600 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static MySqlConnectionFactory Factory(string cs) =>
        new(Options.Create(new StorageOptions { ConnectionString = cs }), NullLogger<MySqlConnectionFactory>.Instance);
}
