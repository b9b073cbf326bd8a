using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Benchmarks;

/// <summary>
/// AccessLogStore (batches through the full exactly-once transaction) against one LOAD DATA LOCAL INFILE of the
/// same rows into an identical fresh table: the upper bound for getting rows into MariaDB.
/// </summary>
internal sealed class StoreBenchmark
{
    private readonly string _server;
    private readonly int _records;
    private readonly int _batchSize;

    public StoreBenchmark(string serverConnectionString, int records, int batchSize)
    {
        _server = serverConnectionString;
        _records = records;
        _batchSize = batchSize;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var start = new DateTime(2026, 11, 21, 8, 0, 0, DateTimeKind.Utc);
        // ~330 requests/s: a batch of 1000 consecutive lines spans one or two minutes, as in production.
        var builder = new AccessRecordBuilder(start, seed: 7, linesPerMinute: 20_000, hosts: ["web-01", "web-02", "web-03"]);
        var records = builder.Build(0, _records).Select(AccessRecordLimits.Normalize).ToList();
        var items = AccessRecordBuilder.Items(records, firstOffset: 0);
        var lastDay = DateOnly.FromDateTime(records.Max(r => r.TimeUtc));
        Console.WriteLine($"{_records} records, {records.Min(r => r.TimeUtc):u} .. {records.Max(r => r.TimeUtc):u}, batches of {_batchSize}");

        var storeDb = await CreateDatabaseAsync("bench_store", DateOnly.FromDateTime(start), lastDay, ct);
        var loadDb = await CreateDatabaseAsync("bench_load", DateOnly.FromDateTime(start), lastDay, ct);
        try
        {
            var store = new AccessLogStore(Factory(storeDb), Options.Create(new StorageOptions { ConnectionString = storeDb }), NullLogger<AccessLogStore>.Instance);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < items.Count; i += _batchSize)
                await store.StoreAsync("bench", items.GetRange(i, Math.Min(_batchSize, items.Count - i)), ct);
            var storeSeconds = sw.Elapsed.TotalSeconds;

            var file = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-{Environment.ProcessId}.tsv");
            try
            {
                sw.Restart();
                await WriteFileAsync(file, records, ct);
                var writeSeconds = sw.Elapsed.TotalSeconds;
                sw.Restart();
                var loaded = await LoadAsync(loadDb, file, ct);
                var loadSeconds = sw.Elapsed.TotalSeconds;

                var same = await ChecksumAsync(storeDb, ct) == await ChecksumAsync(loadDb, ct);
                var ours = _records / storeSeconds;
                var theirs = _records / loadSeconds;
                Console.WriteLine($"AccessLogStore     : {storeSeconds,7:0.000} s  {ours,10:N0} rows/s  (records + dead letters + rollups + offsets, one transaction per batch)");
                Console.WriteLine($"LOAD DATA LOCAL    : {loadSeconds,7:0.000} s  {theirs,10:N0} rows/s  ({loaded} rows, one statement; writing the file took {writeSeconds:0.000} s more)");
                Console.WriteLine($"ratio store / load : {ours / theirs:P0}   identical rows: {same}");
                if (!same) throw new InvalidOperationException("The two tables differ: the comparison is invalid.");
            }
            finally { File.Delete(file); }
        }
        finally
        {
            await DropAsync(storeDb, ct);
            await DropAsync(loadDb, ct);
        }
    }

    private async Task<string> CreateDatabaseAsync(string prefix, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var name = $"{prefix}_{Environment.ProcessId}";
        await using (var connection = await Factory(_server).OpenAsync(ct))
        await using (var cmd = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` CHARACTER SET utf8mb4", connection))
            await cmd.ExecuteNonQueryAsync(ct);
        var cs = new MySqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;
        var factory = Factory(cs);
        await new SchemaMigrator(factory, NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct);
        await new PartitionManager(factory, NullLogger<PartitionManager>.Instance).EnsureDailyPartitionsAsync(from, to, ct);
        return cs;
    }

    private static async Task<long> LoadAsync(string cs, string file, CancellationToken ct)
    {
        await using var connection = await Factory(cs).OpenAsync(ct);
        return await AccessLogLoadDataWriter.Loader(connection, file).LoadAsync(ct);
    }

    private static async Task WriteFileAsync(string file, IReadOnlyList<AccessRecord> records, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(records.Count * 512);
        foreach (var r in records) AccessLogLoadDataWriter.WriteRow(buffer, r);
        await File.WriteAllBytesAsync(file, buffer.WrittenMemory.ToArray(), ct);
    }

    private static async Task<string> ChecksumAsync(string cs, CancellationToken ct)
    {
        await using var connection = await Factory(cs).OpenAsync(ct);
        await using var cmd = new MySqlCommand("CHECKSUM TABLE access_log", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetValue(1).ToString()!;
    }

    private async Task DropAsync(string cs, CancellationToken ct)
    {
        await using var connection = await Factory(_server).OpenAsync(ct);
        await using var cmd = new MySqlCommand($"DROP DATABASE IF EXISTS `{new MySqlConnectionStringBuilder(cs).Database}`", connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static MySqlConnectionFactory Factory(string cs) =>
        new(Options.Create(new StorageOptions { ConnectionString = cs }), NullLogger<MySqlConnectionFactory>.Instance);
}
