using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// An unfiltered summary counts the visitors of whole hours from the site's day sets (day_site_clients) for the hours
/// folded while they still have the requests recorded with the fold, and from the hourly sets for the others: the
/// count equals the raw rows' distinct clients however the range cuts the hours, before and after a late row.
/// </summary>
public sealed class DayVisitorsTests
{
    private static readonly DayVisitorsScenario Site = new([(null, null)], busy: 1);
    private static readonly DateTime Day = DayVisitorsScenario.Day;
    private static readonly DateTime Now = DayVisitorsScenario.Now;
    private static readonly List<AccessRecord> Traffic = DayVisitorsScenario.Traffic;

    // The 5-minute sets of the folded hours.
    private const string FoldedFives = "DELETE FROM five_minute_site_clients WHERE minute_utc - INTERVAL MINUTE(minute_utc) MINUTE IN (SELECT hour_utc FROM day_site_clients_hour)";

    [Fact]
    public async Task Whole_hours_are_counted_from_the_day_sets_once_folded_and_equal_the_raw_distinct_clients()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        var expected = await RawVisitorsAsync(harness);

        var folded = await Folder(harness).FoldAsync(Now, CancellationToken.None);
        // The hourly sets of the folded hours gone: only the day sets can still count those hours' clients.
        await harness.Database.ExecuteAsync("DELETE FROM hourly_site_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour)");

        Assert.Equal(27, folded.Hours.Count);
        Assert.Equal(expected, await VisitorsAsync(harness));
    }

    [Fact]
    public async Task A_row_stored_after_its_hour_was_folded_reads_that_hour_from_its_hourly_set_until_the_next_run_refolds_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        // Other hours' sets gone: they are still read from the day sets, the late row's hour from its own set.
        await Site.AssertLateRowAsync(harness,
            "DELETE FROM hourly_site_clients WHERE hour_utc <> '2026-11-20 10:00:00'", Late("2026-11-20T10:30:00Z", "192.0.2.77"),
            new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), "DELETE FROM hourly_site_clients");
    }

    [Fact]
    public async Task The_whole_5_minutes_of_folded_hours_a_range_cuts_are_counted_from_the_day_sets()
    {
        // Clients seen only inside the whole 5 minutes of the cut hours of 02:17-21:43 and of the last 24 hours.
        List<AccessRecord> edges = [Late("2026-11-20T02:30:00Z", "192.0.2.90", 0), Late("2026-11-20T02:52:00Z", "192.0.2.91", 1),
            Late("2026-11-20T21:20:00Z", "192.0.2.92", 2), Late("2026-11-21T02:10:00Z", "192.0.2.93", 3)];
        await using var harness = await ReportsHarness.WithRecordsAsync([.. Traffic, .. edges]);
        var expected = await RawVisitorsAsync(harness);

        await Folder(harness).FoldAsync(Now, CancellationToken.None);
        // The hourly and 5-minute sets of the folded hours gone: only the day sets can still count them.
        await harness.Database.ExecuteAsync("DELETE FROM hourly_site_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour)");
        await harness.Database.ExecuteAsync(FoldedFives);

        Assert.Equal(expected, await VisitorsAsync(harness));
    }

    [Fact]
    public async Task A_row_stored_after_a_cut_hour_was_folded_reads_its_whole_5_minutes_from_their_sets_until_the_next_run_refolds_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        // 21:00 is cut by 02:17-21:43; the other folded hours' sets are gone, so they are read from the day sets.
        await Site.AssertLateRowAsync(harness,
            FoldedFives + " AND minute_utc NOT BETWEEN '2026-11-20 21:00:00' AND '2026-11-20 21:55:00'", Late("2026-11-20T21:12:00Z", "192.0.2.78"),
            new DateTime(2026, 11, 20, 21, 0, 0, DateTimeKind.Utc), FoldedFives);
    }

    [Fact]
    public async Task A_fold_recording_fewer_requests_than_its_hour_has_is_not_used()
    {
        // The fold holds clients the recorded requests do not cover, so the hour is read from its hourly set; 10:00 is a
        // whole hour, 21:00 one cut by 02:17-21:43 (its 5 minutes in fives_4 from bit 12 on).
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        var (expected, actual) = await Site.StaleFoldAsync(harness, $"""
            INSERT INTO day_site_clients (day_utc, client_hash, hours, fives_4) VALUES ('2026-11-20', 42, {1 << 10}, 0), ('2026-11-20', 43, 0, {4095L << 12});
            UPDATE day_site_clients_hour SET requests = requests - 1 WHERE hour_utc IN ('2026-11-20 10:00:00', '2026-11-20 21:00:00');
            """, $"""
            DELETE FROM hourly_site_clients WHERE hour_utc NOT IN ('2026-11-20 10:00:00', '2026-11-20 21:00:00');
            {FoldedFives} AND minute_utc NOT BETWEEN '2026-11-20 21:00:00' AND '2026-11-20 21:55:00'
            """);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task The_slice_builder_folds_each_complete_hour_into_the_day_sets()
    {
        // Two hours of traffic, more than a day before now: no minute slices, two hour slices and 24 of 5 minutes.
        await using var harness = await ReportsHarness.WithRecordsAsync(new AccessRecordBuilder(Day, minutes: 120, seed: 3).Build(0, 300));

        await new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 1000, MinuteSliceDays = 1 }),
            new FixedTime(Now), NullLogger<ReportSliceBuilder>.Instance).RunAsync(CancellationToken.None);

        Assert.Equal(2, await harness.Database.ScalarAsync(
            "SELECT COUNT(*) FROM day_site_clients_hour WHERE hour_utc IN ('2026-11-20 00:00:00', '2026-11-20 01:00:00')"));
        Assert.Equal(await harness.Database.ScalarAsync("SELECT COUNT(DISTINCT client_hash) FROM hourly_site_clients"),
            await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients WHERE hours & 3 <> 0"));
    }

    [Fact]
    public async Task Retention_deletes_the_day_sets_of_the_days_before_it_and_the_folded_hours_before_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        await Folder(harness).FoldAsync(Now, CancellationToken.None);

        await new RetentionPurger(harness.Database.Connections, NullLogger<RetentionPurger>.Instance)
            .PurgeClientSetsAsync(new DateTime(2026, 11, 21, 1, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        Assert.Equal(0, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients WHERE day_utc < '2026-11-21'"));
        Assert.NotEqual(0, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients WHERE day_utc = '2026-11-21'"));
        Assert.Equal(2, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients_hour"));
    }

    private static DayClientsFolder Folder(ReportsHarness harness) => DayVisitorsScenario.Folder(harness);

    private static Task<long[]> RawVisitorsAsync(ReportsHarness harness) => Site.RawVisitorsAsync(harness);

    private static Task<long[]> VisitorsAsync(ReportsHarness harness) => Site.VisitorsAsync(harness);

    private static AccessRecord Late(string isoUtc, string client, int line = 0) => DayVisitorsScenario.Late(isoUtc, client, line);
}
