using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Tests.Storage;

/// <summary>A freshly created database with a unique name on a MariaDB server, the storage services bound to it, dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly MySqlConnectionFactory _server;

    private TestDatabase(string serverConnectionString, string name)
    {
        Name = name;
        ConnectionString = MariaDbServer.WithDatabase(serverConnectionString, name);
        _server = Factory(serverConnectionString);
        Connections = Factory(ConnectionString);
        Migrator = new SchemaMigrator(Connections, NullLogger<SchemaMigrator>.Instance);
        Partitions = new PartitionManager(Connections, NullLogger<PartitionManager>.Instance);
        Verifier = new RollupVerifier(Connections);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public MySqlConnectionFactory Connections { get; }
    public SchemaMigrator Migrator { get; }
    public PartitionManager Partitions { get; }
    public RollupVerifier Verifier { get; }

    /// <summary>A new store (as a second consumer process would have) over this database.</summary>
    public AccessLogStore NewStore() => new(Connections, Options.Create(new StorageOptions { ConnectionString = ConnectionString }), NullLogger<AccessLogStore>.Instance);

    /// <summary>Creates the database on the shared server and applies the migrations.</summary>
    public static async Task<TestDatabase> CreateAsync(bool migrate = true) =>
        await CreateOnAsync(await MariaDbServer.ConnectionStringAsync(), migrate);

    public static async Task<TestDatabase> CreateOnAsync(string serverConnectionString, bool migrate = true)
    {
        var db = new TestDatabase(serverConnectionString, "np_test_" + Guid.NewGuid().ToString("N")[..16]);
        await db.ExecuteOnServerAsync($"CREATE DATABASE `{db.Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        if (migrate) await db.Migrator.MigrateAsync(CancellationToken.None);
        return db;
    }

    public static MySqlConnectionFactory Factory(string connectionString) =>
        new(Options.Create(new StorageOptions { ConnectionString = connectionString }), NullLogger<MySqlConnectionFactory>.Instance);

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query and hands every row to <paramref name="onRow"/>.</summary>
    public async Task ReadAsync(string sql, Action<System.Data.Common.DbDataReader> onRow)
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) onRow(reader);
    }

    /// <summary>A fingerprint of every stored table's content, to prove that a repeat changed nothing.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        var parts = new List<string>();
        foreach (var table in new[] { "access_log", "dead_letter", "rollup_minute", "rollup_histogram_minute", "rollup_histogram_minute_by_hour", "rollup_site_minute", "hourly_clients", "hourly_site_clients", "five_minute_site_clients", "five_minute_clients" })
        {
            await using var cmd = new MySqlCommand($"CHECKSUM TABLE {table}", connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            parts.Add($"{table}={reader.GetValue(1)}");
        }
        parts.Add($"rows={await CountAsync(connection, "access_log")}");
        return string.Join(" ", parts);
    }

    /// <summary>The sum of the packed latency histograms of a table's rows that match <paramref name="where"/>.</summary>
    public async Task<LatencyCounts> HistogramAsync(string table, string where = "1 = 1")
    {
        await using var connection = await Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand($"SELECT histogram FROM {table} WHERE {where}", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var sum = new LatencyCounts();
        while (await reader.ReadAsync()) sum.AddPacked((byte[])reader.GetValue(0));
        return sum;
    }

    /// <summary>Rollups recomputed from raw rows over all time; empty when exact.</summary>
    public Task<IReadOnlyList<RollupMismatch>> VerifyRollupsAsync() =>
        Verifier.VerifyAsync(new DateTime(2000, 1, 1), new DateTime(2100, 1, 1), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        // Close this database's pooled connections so test runs do not pile up idle server connections.
        await using (var connection = await Connections.OpenAsync(CancellationToken.None))
            MySqlConnection.ClearPool(connection);
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }

    private static async Task<long> CountAsync(MySqlConnection connection, string table)
    {
        await using var cmd = new MySqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = await _server.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
