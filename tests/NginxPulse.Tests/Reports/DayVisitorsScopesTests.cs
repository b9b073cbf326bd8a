using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MySql.Data.MySqlClient;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// A summary filtered by vhost, host or both counts the visitors of whole hours from the scope's day set (day_clients)
/// for the hours whose site fold is still valid, and from the scope's hourly sets for the others: the count equals the
/// raw rows' distinct clients of the scope however the range cuts the hours, before and after a late row.
/// </summary>
public sealed class DayVisitorsScopesTests
{
    private static readonly DateTime Now = DayVisitorsScenario.Now;
    private static readonly List<AccessRecord> Traffic = DayVisitorsScenario.Traffic;

    // The late row's vhost and host: a host no other row has, so only a refold puts it in the day sets.
    private const string LateVhost = "www.example.com";
    private const string LateHost = "web-09";

    private static readonly DayVisitorsScenario Scopes = new(
        [("www.example.com", null), (null, "web-02"), ("api.example.com", "web-03"), (LateVhost, LateHost), (null, LateHost)], busy: 3);

    [Fact]
    public async Task Whole_hours_of_a_vhost_a_host_and_a_vhost_on_a_host_are_counted_from_the_day_sets_and_equal_the_raw_distinct_clients()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        var expected = await RawVisitorsAsync(harness);

        await Folder(harness).FoldAsync(Now, CancellationToken.None);
        // The scopes' hourly sets of the folded hours gone: only the day sets can still count those hours' clients.
        await harness.Database.ExecuteAsync("DELETE FROM hourly_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour)");

        Assert.Equal(expected, await VisitorsAsync(harness));
    }

    [Fact]
    public async Task The_whole_5_minutes_of_folded_hours_a_filtered_range_cuts_are_counted_from_the_scopes_day_sets()
    {
        // Clients of web-09 on www seen only inside the whole 5 minutes of the cut hours of 02:17-21:43 and of the last 24 hours.
        List<AccessRecord> edges = [DayVisitorsScenario.Late("2026-11-20T02:30:00Z", "192.0.2.90", 0), DayVisitorsScenario.Late("2026-11-20T02:52:00Z", "192.0.2.91", 1),
            DayVisitorsScenario.Late("2026-11-20T21:20:00Z", "192.0.2.92", 2), DayVisitorsScenario.Late("2026-11-21T02:10:00Z", "192.0.2.93", 3)];
        await using var harness = await ReportsHarness.WithRecordsAsync([.. Traffic, .. edges]);
        var expected = await RawVisitorsAsync(harness);

        await Folder(harness).FoldAsync(Now, CancellationToken.None);
        // The scopes' hourly and 5-minute sets of the folded hours gone: only the day sets can still count them.
        await harness.Database.ExecuteAsync("""
            DELETE FROM hourly_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour);
            DELETE FROM five_minute_clients WHERE minute_utc - INTERVAL MINUTE(minute_utc) MINUTE IN (SELECT hour_utc FROM day_site_clients_hour)
            """);

        Assert.Equal(expected, await VisitorsAsync(harness));
    }

    [Fact]
    public async Task A_row_stored_after_its_hour_was_folded_reads_that_hour_of_every_scope_from_its_hourly_sets_until_the_next_run_refolds_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        // Other hours' sets gone: they are still read from the day sets, the late row's hour from its own sets.
        await Scopes.AssertLateRowAsync(harness,
            "DELETE FROM hourly_clients WHERE hour_utc <> '2026-11-20 10:00:00'", DayVisitorsScenario.Late("2026-11-20T10:30:00Z", "192.0.2.77", vhost: LateVhost),
            new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), "DELETE FROM hourly_clients");
    }

    [Fact]
    public async Task A_fold_recording_fewer_requests_than_its_hour_has_is_not_used_for_any_scope()
    {
        // The scopes' folds hold clients the recorded requests do not cover, so the hour is read from its hourly sets in
        // every scope.
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        var (expected, actual) = await Scopes.StaleFoldAsync(harness, $"""
            INSERT INTO day_clients (scope, vhost, host, day_utc, client_hash, hours) VALUES (0, '{LateVhost}', '{LateHost}', '2026-11-20', 42, {1 << 10}), (2, 'www.example.com', '', '2026-11-20', 42, {1 << 10}),
              (3, '', 'web-02', '2026-11-20', 42, {1 << 10}), (0, 'api.example.com', 'web-03', '2026-11-20', 42, {1 << 10});
            UPDATE day_site_clients_hour SET requests = requests - 1 WHERE hour_utc = '2026-11-20 10:00:00'
            """, "DELETE FROM hourly_clients WHERE hour_utc <> '2026-11-20 10:00:00'");

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task The_slice_builder_folds_each_scope_of_each_complete_hour_into_its_day_set()
    {
        // Two hours of traffic, more than a day before now.
        await using var harness = await ReportsHarness.WithRecordsAsync(
            new AccessRecordBuilder(DayVisitorsScenario.Day, minutes: 120, seed: 3, hosts: ["web-01", "web-02", "web-03"]).Build(0, 300));

        await new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 1000, MinuteSliceDays = 1 }),
            new FixedTime(Now), NullLogger<ReportSliceBuilder>.Instance).RunAsync(CancellationToken.None);

        // Per scope: (scope, vhost, host, clients) from the day sets and from the hourly sets of the two hours.
        const string Hourly = "FROM hourly_clients WHERE hour_utc < '2026-11-20 02:00:00'";
        Assert.Equal(
            await RowsAsync(harness, $"""
                SELECT 0, vhost, host, COUNT(DISTINCT client_hash) {Hourly} GROUP BY vhost, host
                UNION ALL SELECT 2, vhost, '', COUNT(DISTINCT client_hash) {Hourly} GROUP BY vhost
                UNION ALL SELECT 3, '', host, COUNT(DISTINCT client_hash) {Hourly} GROUP BY host
                ORDER BY 1, 2, 3
                """),
            await RowsAsync(harness, "SELECT scope, vhost, host, COUNT(*) FROM day_clients WHERE hours & 3 <> 0 GROUP BY scope, vhost, host ORDER BY 1, 2, 3"));
    }

    [Fact]
    public async Task Retention_deletes_every_scope_s_day_sets_of_the_days_before_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        await Folder(harness).FoldAsync(Now, CancellationToken.None);
        var scopesNextDay = await harness.Database.ScalarAsync("SELECT COUNT(DISTINCT scope, vhost, host) FROM day_clients WHERE day_utc = '2026-11-21'");

        await new RetentionPurger(harness.Database.Connections, NullLogger<RetentionPurger>.Instance)
            .PurgeClientSetsAsync(new DateTime(2026, 11, 21, 1, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        Assert.Equal(0, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_clients WHERE day_utc < '2026-11-21'"));
        Assert.Equal(4 * 3 + 4 + 3, scopesNextDay);
        Assert.Equal(scopesNextDay, await harness.Database.ScalarAsync("SELECT COUNT(DISTINCT scope, vhost, host) FROM day_clients"));
    }

    [Fact]
    public async Task The_minutes_a_filtered_range_cuts_out_of_5_minutes_are_counted_from_the_scopes_minute_sets_while_their_slice_is_valid()
    {
        // 02:17-21:43 cuts 02:15-02:20 and 21:40-21:45; a row in each cut-off part makes the minutes inside count, and
        // 02:18 has a row of www on web-09 (a minute without rows has no rollup to match its slice: it is read raw).
        var edges = new DayVisitorsScenario(Scopes.Filters, busy: 3, [("2026-11-20T02:17:00Z", "2026-11-20T21:43:00Z")]);
        List<AccessRecord> outside = [DayVisitorsScenario.Late("2026-11-20T02:15:30Z", "192.0.2.80", 0), DayVisitorsScenario.Late("2026-11-20T21:44:00Z", "192.0.2.81", 1),
            DayVisitorsScenario.Late("2026-11-20T02:18:10Z", "192.0.2.83", 3)];
        await using var harness = await ReportsHarness.WithRecordsAsync([.. Traffic, .. outside]);
        var expected = await edges.RawVisitorsAsync(harness);
        var builder = ReportSlicesKeyedTests.Builder(harness);
        DateTime[] minutes = [.. new[] { "02:17", "02:18", "02:19", "21:40", "21:41", "21:42" }.Select(m => DayVisitorsScenario.Day.Add(TimeSpan.Parse(m, CultureInfo.InvariantCulture)))];
        foreach (var minute in minutes) await builder.BuildAsync(new SliceId(SliceId.Minute, minute), CancellationToken.None);
        Assert.Equal(await harness.Database.ScalarAsync($"""
            SELECT COUNT(*) FROM (SELECT DISTINCT DATE_FORMAT(time_utc, '%H:%i'), vhost, host, COALESCE(client_ip, remote_addr) FROM access_log
            WHERE {string.Join(" OR ", minutes.Select(m => $"(time_utc >= '{m:yyyy-MM-dd HH:mm:ss}' AND time_utc < '{m.AddMinutes(1):yyyy-MM-dd HH:mm:ss}')"))}) c
            """), await harness.Database.ScalarAsync("SELECT COUNT(*) FROM minute_clients"));

        // A client only the set of 02:18 holds (www on web-09): every filter it falls in counts it, so the sets are read.
        await harness.Database.ExecuteAsync("INSERT INTO minute_clients (minute_utc, vhost, host, client_hash) VALUES ('2026-11-20 02:18:00', 'www.example.com', 'web-09', 42)");
        long[] inWww09 = [1, 0, 0, 1, 1];
        var withTheSetsClient = expected.Zip(inWww09, (count, extra) => count + extra).ToArray();
        Assert.Equal(withTheSetsClient, await edges.VisitorsAsync(harness));

        // A row stored after 02:18 was built makes its slice stale: that minute is read from raw rows again.
        await harness.Database.NewStore().StoreAsync("reports-tests",
            AccessRecordBuilder.Items([DayVisitorsScenario.Late("2026-11-20T02:18:40Z", "192.0.2.82", 2)], firstOffset: 10_000), CancellationToken.None);
        Assert.Equal(await edges.RawVisitorsAsync(harness), await edges.VisitorsAsync(harness));
    }

    private static DayClientsFolder Folder(ReportsHarness harness) => DayVisitorsScenario.Folder(harness);

    private static Task<long[]> RawVisitorsAsync(ReportsHarness harness) => Scopes.RawVisitorsAsync(harness);

    private static Task<long[]> VisitorsAsync(ReportsHarness harness) => Scopes.VisitorsAsync(harness);

    private static async Task<List<string>> RowsAsync(ReportsHarness harness, string sql)
    {
        var rows = new List<string>();
        await using var connection = await harness.Database.Connections.OpenAsync(CancellationToken.None);
        await using var cmd = new MySqlCommand(sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetValue(0)} {reader.GetString(1)} {reader.GetString(2)} {reader.GetValue(3)}");
        Assert.NotEmpty(rows);
        return rows;
    }
}
