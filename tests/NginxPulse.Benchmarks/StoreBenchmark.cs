using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;

namespace NginxPulse.Benchmarks;

/// <summary>
/// AccessLogStore (batches through the full exactly-once transaction) against two peers, each loading the same rows
/// into an identical fresh table: one LOAD DATA LOCAL INFILE of all rows (the upper bound for getting rows into
/// MariaDB) and LOAD DATA LOCAL INFILE per batch of the same size, one commit each (the cost of the rows alone at that
/// batch size, without offsets or rollups). The store runs as the standalone trigger drives it: batch N+1 prepared
/// (normalised, its LOAD DATA file written, rollup increments and clients computed) while batch N is stored, through
/// the same <see cref="InFlightBatch"/>; with <c>--sequential</c> also one batch after the other, prepared then stored,
/// for comparison. Whole runs alternate (one LOAD DATA, store, per batch, [sequential store], one LOAD DATA, ...) for
/// several rounds so all see the same load; medians are reported. The peers' files are written before their clocks
/// start; the store's time includes preparing its own.
/// </summary>
internal sealed class StoreBenchmark
{
    private const string Bulk = "one LOAD DATA";
    private const string PerBatch = "LOAD DATA per batch";
    private const string Pipelined = "store, pipelined";
    private const string Sequential = "store, sequential";

    private readonly string _server;
    private readonly int _records;
    private readonly int _batchSize;
    private readonly int _rounds;
    private readonly bool _sequential;

    public StoreBenchmark(string serverConnectionString, int records, int batchSize, int rounds, bool sequential)
    {
        _server = serverConnectionString;
        _records = records;
        _batchSize = batchSize;
        _rounds = rounds;
        _sequential = sequential;
    }

    private sealed record Run(double Seconds, CpuTime Cpu, double AllocatedPerRow);

    /// <summary>Where a store run's time went: preparing, storing, and (pipelined) waiting for the batch before.</summary>
    private sealed class StoreTimes
    {
        public double Prepare { get; set; }
        public double Store { get; set; }
        public double Waited { get; set; }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"  (prepare {Prepare:0.000} s, store {Store:0.000} s, waited for the batch before {Waited:0.000} s)");
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var start = new DateTime(2026, 11, 21, 8, 0, 0, DateTimeKind.Utc);
        // ~330 requests/s: a batch of 1000 consecutive lines spans one or two minutes, as in production.
        var builder = new AccessRecordBuilder(start, seed: 7, linesPerMinute: 20_000, hosts: ["web-01", "web-02", "web-03"]);
        var records = builder.Build(0, _records).Select(AccessRecordLimits.Normalize).ToList();
        var items = AccessRecordBuilder.Items(records, firstOffset: 0);
        var days = (DateOnly.FromDateTime(start), DateOnly.FromDateTime(records.Max(r => r.TimeUtc)));
        Console.WriteLine($"{_records} records, {records.Min(r => r.TimeUtc):u} .. {records.Max(r => r.TimeUtc):u}, batches of {_batchSize}, {_rounds} rounds, temp files in {Path.GetTempPath()}");

        var files = new List<string>();
        try
        {
            // JIT (up to tier-1 code) and connection pool warm-up on other lines, so the store is not charged for the
            // start of a process that in production runs for days.
            var warmDb = await CreateDatabaseAsync("bench_warm", days.Item1, days.Item2, ct);
            try
            {
                var warm = NewStore(warmDb);
                var warmBuilder = new AccessRecordBuilder(start, seed: 8, fileIdentity: "inode:warm-up", linesPerMinute: 20_000, hosts: ["web-01", "web-02", "web-03"]);
                var warmItems = AccessRecordBuilder.Items(warmBuilder.Build(0, Math.Max(_records / 2, 6 * _batchSize)), firstOffset: 0);
                var half = warmItems.Count / 2 / _batchSize * _batchSize;
                await StorePipelinedAsync(warm, "warm", warmItems.GetRange(0, half), ct, new StoreTimes());
                await StoreSequentiallyAsync(warm, "warm", warmItems.GetRange(half, warmItems.Count - half), ct, new StoreTimes());
            }
            finally
            {
                await DropAsync(warmDb, ct);
            }

            var sw = Stopwatch.StartNew();
            var bulkFile = await WriteFileAsync(records, files, ct);
            var bulkWriteSeconds = sw.Elapsed.TotalSeconds;
            var batchFiles = new List<string>();
            for (var i = 0; i < records.Count; i += _batchSize)
                batchFiles.Add(await WriteFileAsync(records.GetRange(i, Math.Min(_batchSize, records.Count - i)), files, ct));

            var cpu = await CpuClock.ForServerAsync(Factory(_server), ct);
            var runs = new Dictionary<string, List<Run>> { [Bulk] = [], [PerBatch] = [], [Pipelined] = [], [Sequential] = [] };
            string? checksum = null;
            var same = true;

            async Task Measure(string kind, Func<string, Task> load, StoreTimes? times = null)
            {
                var db = await CreateDatabaseAsync("bench_run", days.Item1, days.Item2, ct);
                try
                {
                    var c = cpu.Now();
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var watch = Stopwatch.StartNew();
                    await load(db);
                    var seconds = watch.Elapsed.TotalSeconds;
                    runs[kind].Add(new Run(seconds, cpu.Now() - c, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)_records));
                    var sum = await ChecksumAsync(db, ct);
                    checksum ??= sum;
                    same &= sum == checksum;
                    Console.WriteLine($"  {kind,-20}: {seconds,7:0.000} s  {_records / seconds,10:N0} rows/s{times}");
                }
                finally
                {
                    await DropAsync(db, ct);
                }
            }

            for (var round = 1; round <= _rounds; round++)
            {
                Console.WriteLine($"round {round}");
                await Measure(Bulk, db => LoadAsync(db, bulkFile, ct));
                var pipelined = new StoreTimes();
                await Measure(Pipelined, db => StorePipelinedAsync(NewStore(db), "bench", items, ct, pipelined), pipelined);
                await Measure(PerBatch, async db =>
                {
                    foreach (var file in batchFiles) await LoadAsync(db, file, ct);
                });
                var sequential = new StoreTimes();
                if (_sequential) await Measure(Sequential, db => StoreSequentiallyAsync(NewStore(db), "bench", items, ct, sequential), sequential);
            }
            await Measure(Bulk, db => LoadAsync(db, bulkFile, ct));

            var rate = runs.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => _records / Median(r.Value.Select(x => x.Seconds)));
            var cpuPerThousand = runs.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => new CpuTime(
                Median(r.Value.Select(x => x.Cpu.ClientMs)), Median(r.Value.Select(x => x.Cpu.ServerMs))) * (1000.0 / _records));
            Console.WriteLine($"medians of {_rounds} rounds ({runs[Bulk].Count} of one LOAD DATA; writing its file took {bulkWriteSeconds:0.000} s more):");
            foreach (var kind in rate.Keys)
                Console.WriteLine($"{kind,-20}: {rate[kind],10:N0} rows/s  CPU ms per 1000 rows (client + server) {cpuPerThousand[kind]}  {Median(runs[kind].Select(r => r.AllocatedPerRow)),6:N0} B allocated/row");
            foreach (var store in new[] { Pipelined, Sequential }.Where(rate.ContainsKey))
            {
                Console.WriteLine($"ratio {store} / one LOAD DATA       : {rate[store] / rate[Bulk]:P0}   CPU: {cpuPerThousand[Bulk].Total / cpuPerThousand[store].Total:P0}");
                Console.WriteLine($"ratio {store} / LOAD DATA per batch : {rate[store] / rate[PerBatch]:P0}   CPU: {cpuPerThousand[PerBatch].Total / cpuPerThousand[store].Total:P0}");
            }
            Console.WriteLine($"identical rows: {same}");
            if (!same) throw new InvalidOperationException("The tables differ: the comparison is invalid.");
        }
        finally
        {
            foreach (var file in files) File.Delete(file);
        }
    }

    /// <summary>As the standalone trigger runs the store: batch N+1 prepared while N is stored.</summary>
    private async Task StorePipelinedAsync(AccessLogStore store, string group, List<IngestItem> items, CancellationToken ct, StoreTimes times)
    {
        (InFlightBatch Flight, PreparedAccessLogBatch Batch)? storing = null;
        try
        {
            for (var i = 0; i < items.Count; i += _batchSize)
            {
                var started = Stopwatch.GetTimestamp();
                var next = await store.PrepareAsync(group, Batch(items, i), ct);
                times.Prepare += Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (storing is { } previous)
                {
                    storing = null;
                    await Finish(previous, times);
                }
                storing = (InFlightBatch.Start(async token =>
                {
                    var storeStarted = Stopwatch.GetTimestamp();
                    await store.StoreAsync(next, token);
                    times.Store += Stopwatch.GetElapsedTime(storeStarted).TotalSeconds;
                }, ct), next);
            }
        }
        finally
        {
            if (storing is { } last) await Finish(last, times);
        }

        static async Task Finish((InFlightBatch Flight, PreparedAccessLogBatch Batch) stored, StoreTimes times)
        {
            var started = Stopwatch.GetTimestamp();
            using (stored.Batch) await stored.Flight.Completion;
            times.Waited += Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
    }

    /// <summary>One batch after the other: prepared, then stored (what <see cref="AccessLogStore.StoreAsync(string, IReadOnlyList{IngestItem}, CancellationToken)"/> does).</summary>
    private async Task StoreSequentiallyAsync(AccessLogStore store, string group, List<IngestItem> items, CancellationToken ct, StoreTimes times)
    {
        for (var i = 0; i < items.Count; i += _batchSize)
        {
            var started = Stopwatch.GetTimestamp();
            using var batch = await store.PrepareAsync(group, Batch(items, i), ct);
            times.Prepare += Stopwatch.GetElapsedTime(started).TotalSeconds;
            started = Stopwatch.GetTimestamp();
            await store.StoreAsync(batch, ct);
            times.Store += Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
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

    private static async Task LoadAsync(string cs, string file, CancellationToken ct)
    {
        await using var connection = await Factory(cs).OpenAsync(ct);
        await AccessLogLoadDataWriter.LoadAsync(connection, file, ct);
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
