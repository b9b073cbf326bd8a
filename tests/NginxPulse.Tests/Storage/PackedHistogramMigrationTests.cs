using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Storage;

/// <summary>Migration 0030 packs the per-bucket histogram rows of an upgraded database into the bytes <see cref="PackedHistogram"/> writes.</summary>
public sealed class PackedHistogramMigrationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static string OldTable(string name, string time) => $"""
        CREATE TABLE {name} ({time} DATETIME NOT NULL, vhost VARCHAR(255) NOT NULL, host VARCHAR(255) NOT NULL,
          bucket SMALLINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY ({time}, vhost, host, bucket))
          ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
        """;

    private async Task<byte[]?> StoredAsync(string table, string time, string at, string vhost, string host)
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand($"SELECT histogram FROM {table} WHERE {time} = '{at}' AND vhost = '{vhost}' AND host = '{host}'", connection);
        return (byte[]?)await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Per_bucket_rows_stored_before_it_become_packed_rows_with_the_same_counts_and_the_old_tables_are_dropped()
    {
        await _db.Migrator.MigrateAsync(CancellationToken.None);
        // As if the database had been stored before 0030.
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 30");
        await _db.ExecuteAsync(OldTable("rollup_latency_minute", "minute_utc"));
        await _db.ExecuteAsync(OldTable("rollup_latency_minute_by_hour", "hour_utc"));
        await _db.ExecuteAsync(OldTable("rollup_latency_hour", "hour_utc"));
        var edges = new long[LatencyHistogram.BucketCount];
        (edges[0], edges[7], edges[127], edges[128], edges[300], edges[447]) = (1, 127, 128, 16384, 1L << 35, long.MaxValue);
        var everyBucket = Enumerable.Range(1, LatencyHistogram.BucketCount).Select(b => (long)b).ToArray();
        var rows = edges.Select((count, bucket) => (bucket, count)).Where(p => p.count > 0)
            .Select(p => $"('2026-11-21 14:05:00', 'v', 'h', {p.bucket}, {p.count})")
            .Concat(everyBucket.Select((count, bucket) => $"('2026-11-21 14:06:00', 'v', 'h2', {bucket}, {count})"))
            // Compaction left zeros behind; they are no bucket of the histogram.
            .Append("('2026-11-21 14:07:00', 'v', 'h', 50, 0)");
        await _db.ExecuteAsync($"INSERT INTO rollup_latency_minute VALUES {string.Join(", ", rows)}");
        await _db.ExecuteAsync("INSERT INTO rollup_latency_minute_by_hour VALUES ('2026-11-21 14:00:00', 'v', 'h', 7, 3), ('2026-11-21 14:00:00', 'v', 'h', 9, 0)");
        await _db.ExecuteAsync("INSERT INTO rollup_latency_hour VALUES ('2026-11-20 10:00:00', 'w', 'h', 2, 9), ('2026-11-20 10:00:00', 'w', 'h', 200, 1)");

        Assert.Equal([30], await _db.Migrator.MigrateAsync(CancellationToken.None));

        Assert.Equal(PackedHistogram.Pack(edges), await StoredAsync("rollup_histogram_minute", "minute_utc", "2026-11-21 14:05:00", "v", "h"));
        Assert.Equal(PackedHistogram.Pack(everyBucket), await StoredAsync("rollup_histogram_minute", "minute_utc", "2026-11-21 14:06:00", "v", "h2"));
        Assert.Null(await StoredAsync("rollup_histogram_minute", "minute_utc", "2026-11-21 14:07:00", "v", "h"));
        Assert.Equal("7:3", (await _db.HistogramAsync("rollup_histogram_minute_by_hour", "hour_utc = '2026-11-21 14:00:00' AND vhost = 'v'")).ToString());
        Assert.Equal("2:9 200:1", (await _db.HistogramAsync("rollup_histogram_hour", "vhost = 'w'")).ToString());
        Assert.Equal(0, await _db.ScalarAsync(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'rollup!_latency!_%' ESCAPE '!'"));

        // Interrupted after its DROP and before its ledger row: the next start runs it again, harmlessly.
        var packed = await _db.SnapshotAsync();
        await _db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 30");
        Assert.Equal([30], await _db.Migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(packed, await _db.SnapshotAsync());
        Assert.Equal(PackedHistogram.Pack(edges), await StoredAsync("rollup_histogram_minute", "minute_utc", "2026-11-21 14:05:00", "v", "h"));
    }
}
