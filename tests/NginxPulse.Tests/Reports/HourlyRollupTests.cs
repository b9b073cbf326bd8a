using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The by-hour latency histograms (migration 0020, packed by 0030) stay the sum of their minutes, and hourly_clients /
/// hourly_site_clients (0024, from 0021's visitor_hour) the sets of each hour's clients, however the store writes them.
/// </summary>
public sealed class HourlyRollupTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Hourly_histograms_and_client_sets_match_the_raw_rows_after_increments_and_reshipped_lines()
    {
        var store = _db.NewStore();
        var builder = new AccessRecordBuilder(new DateTime(2026, 11, 21, 13, 40, 0, DateTimeKind.Utc), minutes: 50, seed: 3);
        var records = builder.Build(0, 3000);
        for (var i = 0; i < records.Count; i += 500)
            await store.StoreAsync("g", AccessRecordBuilder.Items(records.GetRange(i, 500), firstOffset: i), CancellationToken.None);
        // Lines shipped again at new offsets, mixed with new ones: the store recomputes the minutes they touch.
        var mixed = records.GetRange(1000, 700).Concat(builder.Build(3000, 200)).ToList();
        var outcome = await store.StoreAsync("g", AccessRecordBuilder.Items(mixed, firstOffset: 5000), CancellationToken.None);
        await store.StoreAsync("g", AccessRecordBuilder.Items(builder.Build(3200, 200), firstOffset: 6000), CancellationToken.None);

        Assert.True(outcome.RollupsRecomputed);
        Assert.Empty(await _db.VerifyRollupsAsync());
        // The verifier compares the by-hour histograms with their minutes too; and both hours are there.
        foreach (var hour in new[] { "2026-11-21 13:00:00", "2026-11-21 14:00:00" })
        {
            var minutes = await _db.HistogramAsync("rollup_histogram_minute", $"minute_utc >= '{hour}' AND minute_utc < '{hour}' + INTERVAL 1 HOUR");
            Assert.True(minutes.Total > 0);
            Assert.Equal(minutes.ToString(), (await _db.HistogramAsync("rollup_histogram_minute_by_hour", $"hour_utc = '{hour}'")).ToString());
        }
        Assert.Equal(2, await _db.ScalarAsync("SELECT COUNT(DISTINCT hour_utc) FROM rollup_histogram_minute_by_hour"));

        var client = ClientHash.Sql("COALESCE(client_ip, remote_addr)");
        var rawSets = $"""
            SELECT DISTINCT CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:00:00') AS DATETIME) AS h, vhost, host, {client} AS c
            FROM access_log
            """;
        Assert.Equal(await _db.ScalarAsync($"SELECT COUNT(*) FROM ({rawSets}) r"), await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_clients"));
        Assert.Equal(0, await _db.ScalarAsync($"""
            SELECT COUNT(*) FROM ({rawSets}) r
            LEFT JOIN hourly_clients v ON v.hour_utc = r.h AND v.vhost = r.vhost AND v.host = r.host AND v.client_hash = r.c
            WHERE v.client_hash IS NULL
            """));
        var rawSiteSets = $"SELECT DISTINCT CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:00:00') AS DATETIME) AS h, {client} AS c FROM access_log";
        Assert.Equal(await _db.ScalarAsync($"SELECT COUNT(*) FROM ({rawSiteSets}) r"), await _db.ScalarAsync("SELECT COUNT(*) FROM hourly_site_clients"));
        Assert.Equal(0, await _db.ScalarAsync($"""
            SELECT COUNT(*) FROM ({rawSiteSets}) r
            LEFT JOIN hourly_site_clients v ON v.hour_utc = r.h AND v.client_hash = r.c
            WHERE v.client_hash IS NULL
            """));
    }

    [Fact]
    public async Task The_migration_fills_the_hours_of_minutes_stored_before_it()
    {
        var db = await TestDatabase.CreateAsync(migrate: false);
        await using (db)
        {
            await db.Migrator.MigrateAsync(CancellationToken.None);
            await KnownTraffic.StoreAsync(db.NewStore());
            // As if the rows had been stored before the hourly tables existed (0020, 0021; 0022 and 0023 moved their
            // upkeep from triggers into the store; 0024 moved visitor_hour's sets into the hashed tables) and before the
            // histograms were packed (0030).
            await db.ExecuteAsync("DELETE FROM schema_migrations WHERE version IN (20, 21, 22, 23, 24, 30)");
            await db.ExecuteAsync("""
                CREATE TABLE rollup_latency_minute (minute_utc DATETIME NOT NULL, vhost VARCHAR(255) NOT NULL, host VARCHAR(255) NOT NULL,
                  bucket SMALLINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (minute_utc, vhost, host, bucket))
                  ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
                """);
            await db.ExecuteAsync("INSERT INTO rollup_latency_minute VALUES ('2026-11-21 14:05:00', 'v', 'h', 7, 3), ('2026-11-21 14:59:00', 'v', 'h', 7, 2)");
            await db.ExecuteAsync("DROP TABLE hourly_clients, hourly_site_clients");

            await db.Migrator.MigrateAsync(CancellationToken.None);

            Assert.Equal("7:5", (await db.HistogramAsync("rollup_histogram_minute_by_hour", "hour_utc = '2026-11-21 14:00:00' AND vhost = 'v'")).ToString());
            Assert.Equal(6, await db.ScalarAsync("SELECT COUNT(DISTINCT client_hash) FROM hourly_clients"));
            Assert.Equal(6, await db.ScalarAsync("SELECT COUNT(DISTINCT client_hash) FROM hourly_site_clients"));
            Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE()"));
        }
    }
}
