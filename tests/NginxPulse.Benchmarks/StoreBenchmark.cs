using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Benchmarks;

/// <summary>
/// AccessLogStore (batches through the full exactly-once transaction) against two peers measured in the same run,
/// each loading the same rows into an identical fresh table: one LOAD DATA LOCAL INFILE of all rows (the upper bound
/// for getting rows into MariaDB) and LOAD DATA LOCAL INFILE per batch of the same size, one commit each (the cost
/// of the rows alone at that batch size, without offsets or rollups). The peers' files are written before the
/// clock starts; the store's time includes writing its own.
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
        var days = (DateOnly.FromDateTime(start), DateOnly.FromDateTime(records.Max(r => r.TimeUtc)));
        Console.WriteLine($"{_records} records, {records.Min(r => r.TimeUtc):u} .. {records.Max(r => r.TimeUtc):u}, batches of {_batchSize}");

        var databases = new List<string>();
        var files = new List<string>();
        try
        {
            async Task<string> Database(string prefix)
            {
                var cs = await CreateDatabaseAsync(prefix, days.Item1, days.Item2, ct);
                databases.Add(cs);
                return cs;
            }

            // JIT and connection pool warm-up, so the store is not charged for a first run the peers never pay.
            var warmDb = await Database("bench_warm");
            var warm = NewStore(warmDb);
            for (var i = 0; i < Math.Min(items.Count, 3 * _batchSize); i += _batchSize)
                await warm.StoreAsync("warm", Batch(items, i), ct);

            var storeDb = await Database("bench_store");
            var store = NewStore(storeDb);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < items.Count; i += _batchSize)
                await store.StoreAsync("bench", Batch(items, i), ct);
            var storeSeconds = sw.Elapsed.TotalSeconds;
            var allocatedPerRow = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)_records;

            var bulkDb = await Database("bench_bulk");
            sw.Restart();
            var bulkFile = await WriteFileAsync(records, files, ct);
            var bulkWriteSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var loaded = await LoadAsync(bulkDb, bulkFile, ct);
            var bulkSeconds = sw.Elapsed.TotalSeconds;

            var batchedDb = await Database("bench_batched");
            var batchFiles = new List<string>();
            for (var i = 0; i < records.Count; i += _batchSize)
                batchFiles.Add(await WriteFileAsync(records.GetRange(i, Math.Min(_batchSize, records.Count - i)), files, ct));
            sw.Restart();
            foreach (var file in batchFiles) await LoadAsync(batchedDb, file, ct);
            var batchedSeconds = sw.Elapsed.TotalSeconds;

            var checksum = await ChecksumAsync(storeDb, ct);
            var same = checksum == await ChecksumAsync(bulkDb, ct) && checksum == await ChecksumAsync(batchedDb, ct);
            var ours = _records / storeSeconds;
            var bulk = _records / bulkSeconds;
            var batched = _records / batchedSeconds;
            Console.WriteLine($"AccessLogStore        : {storeSeconds,7:0.000} s  {ours,10:N0} rows/s  {allocatedPerRow,6:N0} B allocated/row  (records + dead letters + rollups + offsets, one transaction per batch, file writing included)");
            Console.WriteLine($"LOAD DATA, one        : {bulkSeconds,7:0.000} s  {bulk,10:N0} rows/s  ({loaded} rows, one statement; writing its file took {bulkWriteSeconds:0.000} s more)");
            Console.WriteLine($"LOAD DATA, per batch  : {batchedSeconds,7:0.000} s  {batched,10:N0} rows/s  ({batchFiles.Count} statements of {_batchSize} rows, one commit each)");
            Console.WriteLine($"ratio store / one LOAD DATA       : {ours / bulk:P0}");
            Console.WriteLine($"ratio store / LOAD DATA per batch : {ours / batched:P0}   identical rows: {same}");
            if (!same) throw new InvalidOperationException("The tables differ: the comparison is invalid.");
        }
        finally
        {
            foreach (var file in files) File.Delete(file);
            foreach (var cs in databases) await DropAsync(cs, ct);
        }
    }

    private List<IngestItem> Batch(List<IngestItem> items, int first) => items.GetRange(first, Math.Min(_batchSize, items.Count - first));

    private static AccessLogStore NewStore(string cs) =>
        new(Factory(cs), Options.Create(new StorageOptions { ConnectionString = cs }), NullLogger<AccessLogStore>.Instance);

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

    private static async Task<string> WriteFileAsync(IReadOnlyList<AccessRecord> records, List<string> files, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"nginxpulse-bench-{Environment.ProcessId}-{files.Count}.tsv");
        files.Add(file);
        await AccessLogLoadDataWriter.WriteFileAsync(file, records, ct);
        return file;
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
