using NginxPulse.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Tests.Alerts;
using NginxPulse.Tests.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Maintenance;

/// <summary>MaintainStorage against MariaDB with a manual clock: partitions, retention (raw rows and hourly client sets),
/// compaction, purges; a repeat does nothing.</summary>
public sealed class MaintainStorageTests : IAsyncLifetime
{
    private static readonly DateTime Today = new(2026, 11, 21, 3, 30, 0, DateTimeKind.Utc);

    private TestDatabase _db = null!;
    private ManualTimeProvider _clock = null!;
    private MaintainStorageFunction _function = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _clock = new ManualTimeProvider(new DateTimeOffset(Today));
        _function = new MaintainStorageFunction(_db.Partitions, new RollupCompactor(_db.Connections, NullLogger<RollupCompactor>.Instance),
            new RetentionPurger(_db.Connections, NullLogger<RetentionPurger>.Instance),
            Options.Create(new MaintenanceOptions { PartitionDaysAhead = 2, RawRetentionDays = 5, MinuteRollupDays = 3, DeadLetterRetentionDays = 10, AlertRetentionDays = 7 }),
            _clock, NullLogger<MaintainStorageFunction>.Instance);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<string> TotalsAsync(string minuteTable, string hourTable)
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand($"""
            SELECT CONCAT_WS('/', SUM(requests), SUM(bytes), SUM(status_1xx), SUM(status_2xx), SUM(status_3xx), SUM(status_4xx), SUM(status_5xx),
                   SUM(status_other), SUM(bot_requests), SUM(latency_count), SUM(latency_sum_ms))
            FROM (SELECT requests, bytes, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other, bot_requests, latency_count, latency_sum_ms FROM {minuteTable}
                  UNION ALL
                  SELECT requests, bytes, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other, bot_requests, latency_count, latency_sum_ms FROM {hourTable}) t
            """, connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string> HistogramAsync()
    {
        await using var connection = await _db.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySql.Data.MySqlClient.MySqlCommand(
            "SELECT vhost, host, histogram FROM rollup_histogram_minute UNION ALL SELECT vhost, host, histogram FROM rollup_histogram_hour", connection);
        var scopes = new Dictionary<string, LatencyCounts>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            LatencyCounts.Of(scopes, $"{reader.GetString(0)}/{reader.GetString(1)}").AddPacked((byte[])reader.GetValue(2));
        }
        return string.Join(", ", scopes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
    }

    [Fact]
    public async Task A_run_creates_partitions_drops_old_days_compacts_rollups_and_purges_and_a_second_run_is_a_no_op()
    {
        await _db.Partitions.EnsureDailyPartitionsAsync(DateOnly.FromDateTime(Today).AddDays(-8), DateOnly.FromDateTime(Today), CancellationToken.None);
        var traffic = new TrafficScript(_db.NewStore());
        foreach (var daysAgo in new[] { 7, 4, 2, 0 })
            for (var minute = 0; minute < 90; minute += 7)
            {
                var at = Today.Date.AddDays(-daysAgo).AddHours(1).AddMinutes(minute);
                await traffic.MinuteAsync(at, 3, vhost: minute % 2 == 0 ? "a.example.com" : "b.example.com", latencyMs: 10 + minute);
                await traffic.MinuteAsync(at, 1, status: 503, latencyMs: 2000);
            }
        await _db.ExecuteAsync($"""
            INSERT INTO dead_letter (id, reason, raw, raw_truncated, received_utc) VALUES
              (UNHEX(REPEAT('01', 16)), 'old', 'x', 0, '{Today.AddDays(-11):yyyy-MM-dd HH:mm:ss}'),
              (UNHEX(REPEAT('02', 16)), 'recent', 'x', 0, '{Today.AddDays(-9):yyyy-MM-dd HH:mm:ss}')
            """);
        await _db.ExecuteAsync($"""
            INSERT INTO alert_outbox (rule, scope, kind, channel, payload, created_utc, attempts, next_attempt_utc, delivered_utc) VALUES
              ('r', 'all', 'firing', 'local', '{"{}"}', '{Today.AddDays(-9):yyyy-MM-dd HH:mm:ss}', 1, '{Today.AddDays(-9):yyyy-MM-dd HH:mm:ss}', '{Today.AddDays(-8):yyyy-MM-dd HH:mm:ss}'),
              ('r', 'all', 'firing', 'webhook', '{"{}"}', '{Today.AddDays(-9):yyyy-MM-dd HH:mm:ss}', 40, '{Today.AddDays(1):yyyy-MM-dd HH:mm:ss}', NULL),
              ('r', 'all', 'resolved', 'local', '{"{}"}', '{Today.AddDays(-1):yyyy-MM-dd HH:mm:ss}', 1, '{Today.AddDays(-1):yyyy-MM-dd HH:mm:ss}', '{Today.AddDays(-1):yyyy-MM-dd HH:mm:ss}')
            """);
        var totalsBefore = await TotalsAsync("rollup_minute", "rollup_hour");
        var histogramBefore = await HistogramAsync();
        var minutesBefore = await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_minute");
        var rawCutoff = $"'{Today.Date.AddDays(-5):yyyy-MM-dd}'";
        const string clientSets =
            "(SELECT hour_utc FROM hourly_clients UNION ALL SELECT hour_utc FROM hourly_site_clients UNION ALL SELECT minute_utc FROM five_minute_site_clients " +
            "UNION ALL SELECT minute_utc FROM five_minute_clients) s";
        var oldClientSetRows = await _db.ScalarAsync($"SELECT COUNT(*) FROM {clientSets} WHERE hour_utc < {rawCutoff}");
        var keptClientSetRows = await _db.ScalarAsync($"SELECT COUNT(*) FROM {clientSets} WHERE hour_utc >= {rawCutoff}");

        var first = await _function.MaintainAsync(CancellationToken.None);

        Assert.Equal(["p20261122", "p20261123"], first.PartitionsCreated);
        Assert.Equal(["p20261113", "p20261114", "p20261115"], first.PartitionsDropped);
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM access_log WHERE time_utc < '{Today.Date.AddDays(-5):yyyy-MM-dd}'"));
        Assert.True(await _db.ScalarAsync("SELECT COUNT(*) FROM access_log") > 0);
        // Visitors are counted from the hourly client sets: they go with the raw days they were taken from.
        Assert.True(oldClientSetRows > 0 && keptClientSetRows > 0);
        Assert.Equal(oldClientSetRows, first.ClientSetRowsPurged);
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM {clientSets} WHERE hour_utc < {rawCutoff}"));
        Assert.Equal(keptClientSetRows, await _db.ScalarAsync($"SELECT COUNT(*) FROM {clientSets}"));
        Assert.Equal(totalsBefore, await TotalsAsync("rollup_minute", "rollup_hour"));
        Assert.Equal(histogramBefore, await HistogramAsync());
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM rollup_minute WHERE minute_utc < '{Today.Date.AddDays(-3):yyyy-MM-dd}'"));
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM rollup_histogram_minute WHERE minute_utc < '{Today.Date.AddDays(-3):yyyy-MM-dd}'"));
        Assert.Equal(minutesBefore - first.MinuteRollupsCompacted, await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_minute"));
        // The whole site's minutes go with the scopes' they sum: the compacted ones now count in rollup_hour only.
        Assert.Equal(0, await _db.ScalarAsync($"SELECT COUNT(*) FROM rollup_site_minute WHERE minute_utc < '{Today.Date.AddDays(-3):yyyy-MM-dd}'"));
        Assert.Equal(await _db.ScalarAsync("SELECT COUNT(DISTINCT minute_utc) FROM rollup_minute"), await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_site_minute"));
        Assert.Equal(2 * 2 * 3, await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_hour"));
        Assert.Equal((1L, 1L, 0L), (first.DeadLettersPurged, first.OutboxRowsPurged, first.HistoryRowsPurged));
        Assert.Equal(1, await _db.ScalarAsync("SELECT COUNT(*) FROM alert_outbox WHERE delivered_utc IS NULL"));

        var snapshot = await _db.SnapshotAsync();
        var second = await _function.MaintainAsync(CancellationToken.None);

        Assert.Equal((0L, 0L, 0L, 0L, 0L), (second.MinuteRollupsCompacted, second.DeadLettersPurged, second.OutboxRowsPurged, second.HistoryRowsPurged, second.ClientSetRowsPurged));
        Assert.Empty(second.PartitionsCreated);
        Assert.Empty(second.PartitionsDropped);
        Assert.Equal(snapshot, await _db.SnapshotAsync());
    }

    [Fact]
    public async Task The_next_day_creates_one_more_partition_and_drops_one_more_day()
    {
        await _db.Partitions.EnsureDailyPartitionsAsync(DateOnly.FromDateTime(Today).AddDays(-6), DateOnly.FromDateTime(Today), CancellationToken.None);
        await _function.MaintainAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(1));
        var next = await _function.MaintainAsync(CancellationToken.None);

        Assert.Equal(["p20261124"], next.PartitionsCreated);
        Assert.Equal(["p20261116"], next.PartitionsDropped);
    }

    [Fact]
    public async Task A_minute_that_arrives_after_its_hour_was_compacted_is_added_to_the_hour()
    {
        var traffic = new TrafficScript(_db.NewStore());
        var hour = Today.Date.AddDays(-5).AddHours(10);
        await traffic.MinuteAsync(hour.AddMinutes(1), 4);
        await _function.MaintainAsync(CancellationToken.None);
        await traffic.MinuteAsync(hour.AddMinutes(2), 6);

        await _function.MaintainAsync(CancellationToken.None);

        Assert.Equal(10, await _db.ScalarAsync($"SELECT requests FROM rollup_hour WHERE hour_utc = '{hour:yyyy-MM-dd HH:mm:ss}'"));
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_minute"));
        Assert.Equal(0, await _db.ScalarAsync("SELECT COUNT(*) FROM rollup_site_minute"));
    }

    [Theory]
    [InlineData(0, 30, 14, 30, 30, "PartitionDaysAhead")]
    [InlineData(3, 0, 14, 30, 30, "RawRetentionDays")]
    [InlineData(3, 30, 0, 30, 30, "MinuteRollupDays")]
    [InlineData(3, 30, 14, -1, 30, "DeadLetterRetentionDays")]
    [InlineData(3, 30, 14, 30, 0, "AlertRetentionDays")]
    public void Bad_settings_fail_naming_the_setting(int ahead, int raw, int minutes, int deadLetters, int alerts, string setting)
    {
        var result = new MaintenanceOptionsValidator().Validate(null, new MaintenanceOptions
        {
            PartitionDaysAhead = ahead, RawRetentionDays = raw, MinuteRollupDays = minutes, DeadLetterRetentionDays = deadLetters, AlertRetentionDays = alerts,
        });

        Assert.True(result.Failed);
        Assert.Contains($"Maintenance:{setting}", result.FailureMessage);
    }
}
