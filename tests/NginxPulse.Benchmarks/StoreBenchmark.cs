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

            // JIT (up to tier-1 code) and connection pool warm-up on other lines, so the store is not charged for the
            // start of a process that in production runs for days.
            var warmDb = await Database("bench_warm");
            var warm = NewStore(warmDb);
            var warmBuilder = new AccessRecordBuilder(start, seed: 8, fileIdentity: "inode:warm-up", linesPerMinute: 20_000, hosts: ["web-01", "web-02", "web-03"]);
            var warmItems = AccessRecordBuilder.Items(warmBuilder.Build(0, Math.Max(_records / 2, 3 * _batchSize)), firstOffset: 0);
            for (var i = 0; i < warmItems.Count; i += _batchSize)
                await warm.StoreAsync("warm", Batch(warmItems, i), ct);

            var sw = Stopwatch.StartNew();
            var bulkFile = await WriteFileAsync(records, files, ct);
            var bulkWriteSeconds = sw.Elapsed.TotalSeconds;
            var batchFiles = new List<string>();
            for (var i = 0; i < records.Count; i += _batchSize)
                batchFiles.Add(await WriteFileAsync(records.GetRange(i, Math.Min(_batchSize, records.Count - i)), files, ct));

            // The machine is shared: the one-statement peer runs before and after the store (their mean counts), and
            // the per-batch peer alternates with the store batch by batch, so all three see the same load.
            var cpu = await CpuClock.ForServerAsync(Factory(_server), ct);
            var bulkBefore = await TimeBulkLoadAsync(await Database("bench_bulk_before"), bulkFile, cpu, ct);
            var storeDb = await Database("bench_store");
            var batchedDb = await Database("bench_batched");
            var store = NewStore(storeDb);
            double storeSeconds = 0, batchedSeconds = 0;
            var storeCpu = new CpuTime(0, 0);
            var batchedCpu = new CpuTime(0, 0);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < items.Count; i += _batchSize)
            {
                var c = cpu.Now();
                sw.Restart();
                await store.StoreAsync("bench", Batch(items, i), ct);
                storeSeconds += sw.Elapsed.TotalSeconds;
                storeCpu += cpu.Now() - c;
                c = cpu.Now();
                sw.Restart();
                await LoadAsync(batchedDb, batchFiles[i / _batchSize], ct);
                batchedSeconds += sw.Elapsed.TotalSeconds;
                batchedCpu += cpu.Now() - c;
            }
            // Includes the peer's allocations, which are negligible next to the store's (one small command per batch).
            var allocatedPerRow = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)_records;
            var bulkDb = await Database("bench_bulk_after");
            var bulkAfter = await TimeBulkLoadAsync(bulkDb, bulkFile, cpu, ct);
            var bulkSeconds = (bulkBefore.Seconds + bulkAfter.Seconds) / 2;
            var bulkCpu = (bulkBefore.Cpu + bulkAfter.Cpu) * 0.5;

            var checksum = await ChecksumAsync(storeDb, ct);
            var same = checksum == await ChecksumAsync(bulkDb, ct) && checksum == await ChecksumAsync(batchedDb, ct);
            var ours = _records / storeSeconds;
            var bulk = _records / bulkSeconds;
            var batched = _records / batchedSeconds;
            Console.WriteLine($"AccessLogStore        : {storeSeconds,7:0.000} s  {ours,10:N0} rows/s  {allocatedPerRow,6:N0} B allocated/row  (records + dead letters + rollups + offsets, one transaction per batch, file writing included)");
            Console.WriteLine($"LOAD DATA, one        : {bulkSeconds,7:0.000} s  {bulk,10:N0} rows/s  (one statement, {bulkBefore.Seconds:0.000} s before and {bulkAfter.Seconds:0.000} s after the store; writing its file took {bulkWriteSeconds:0.000} s more)");
            Console.WriteLine($"LOAD DATA, per batch  : {batchedSeconds,7:0.000} s  {batched,10:N0} rows/s  ({batchFiles.Count} statements of {_batchSize} rows, one commit each)");
            Console.WriteLine($"ratio store / one LOAD DATA       : {ours / bulk:P0}");
            Console.WriteLine($"ratio store / LOAD DATA per batch : {ours / batched:P0}   identical rows: {same}");
            var perThousand = 1000.0 / _records;
            Console.WriteLine($"CPU ms per 1000 rows (client + server): store {storeCpu * perThousand}, one LOAD DATA {bulkCpu * perThousand}, LOAD DATA per batch {batchedCpu * perThousand}");
            Console.WriteLine($"CPU ratio store / one LOAD DATA : {bulkCpu.Total / storeCpu.Total:P0}   store / LOAD DATA per batch : {batchedCpu.Total / storeCpu.Total:P0}");
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

    private static async Task<(double Seconds, CpuTime Cpu)> TimeBulkLoadAsync(string cs, string file, CpuClock cpu, CancellationToken ct)
    {
        var c = cpu.Now();
        var sw = Stopwatch.StartNew();
        await LoadAsync(cs, file, ct);
        return (sw.Elapsed.TotalSeconds, cpu.Now() - c);
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
