using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Parsing;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The current hour, not yet complete, is folded 5 minutes at a time into the site's day sets: "the last 24 hours"
/// ending now counts that hour's whole 5 minutes from the day rows while each 5 minutes' fold is valid (its recorded
/// requests equal its rollup requests), from its 5-minute set otherwise. The counts equal the raw rows' distinct clients.
/// </summary>
public sealed class LiveVisitorsTests
{
    // Live at 02:47:20: the stored rows end now, hour 02:00 is the current one, its 5 minutes up to 02:45 complete.
    private static readonly DateTime LiveNow = new(2026, 11, 21, 2, 47, 20, DateTimeKind.Utc);
    private static readonly DateTime CurrentHour = new(2026, 11, 21, 2, 0, 0, DateTimeKind.Utc);

    private static readonly (string From, string To)[] Ranges =
    [
        ("2026-11-20T02:47:20Z", "2026-11-21T02:47:20Z"),   // "the last 24 hours", now
        ("2026-11-20T05:13:00Z", "2026-11-21T02:31:00Z"),   // ending inside a folded 5 minutes of the current hour
        ("2026-11-20T10:00:00Z", "2026-11-21T02:45:00Z"),   // ending with the last complete 5 minutes
    ];

    private static readonly DayVisitorsScenario Site = new([(null, null)], busy: 1, Ranges);

    // web-09 has only the rows of the clients below, all on www.example.com.
    private static readonly DayVisitorsScenario Scopes = new(
        [("www.example.com", null), (null, "web-02"), ("api.example.com", "web-03"), ("www.example.com", "web-09"), (null, "web-09")], busy: 3, Ranges);

    // Clients seen only inside the current hour's complete 5 minutes, and one inside the incomplete one.
    private static readonly List<AccessRecord> Traffic =
    [
        .. DayVisitorsScenario.Traffic.Where(r => r.TimeUtc < LiveNow),
        DayVisitorsScenario.Late("2026-11-21T02:05:00Z", "192.0.2.90", 0), DayVisitorsScenario.Late("2026-11-21T02:30:30Z", "192.0.2.91", 1),
        DayVisitorsScenario.Late("2026-11-21T02:44:59Z", "192.0.2.92", 2), DayVisitorsScenario.Late("2026-11-21T02:46:00Z", "192.0.2.93", 3),
    ];

    // The sets the day sets answer for once folded, the site's and the scopes': the folded hours' hourly and 5-minute
    // sets, the folded 5 minutes'.
    private const string FoldedHours = """
        DELETE FROM hourly_site_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour);
        DELETE FROM hourly_clients WHERE hour_utc IN (SELECT hour_utc FROM day_site_clients_hour);
        DELETE FROM five_minute_site_clients WHERE minute_utc - INTERVAL MINUTE(minute_utc) MINUTE IN (SELECT hour_utc FROM day_site_clients_hour);
        DELETE FROM five_minute_clients WHERE minute_utc - INTERVAL MINUTE(minute_utc) MINUTE IN (SELECT hour_utc FROM day_site_clients_hour)
        """;
    private const string FoldedSiteFives = "DELETE FROM five_minute_site_clients WHERE minute_utc IN (SELECT five_utc FROM day_site_clients_five)";
    private const string FoldedFives = $"{FoldedSiteFives}; DELETE FROM five_minute_clients WHERE minute_utc IN (SELECT five_utc FROM day_site_clients_five)";

    [Fact]
    public async Task The_whole_5_minutes_of_the_unfolded_current_hour_are_counted_from_their_5_minute_folds_and_equal_the_raw_distinct_clients()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        var expected = await Site.RawVisitorsAsync(harness);
        var expectedScopes = await Scopes.RawVisitorsAsync(harness);

        var folded = await DayVisitorsScenario.Folder(harness).FoldAsync(LiveNow, CancellationToken.None);
        await harness.Database.ExecuteAsync(FoldedHours + ";" + FoldedFives);

        Assert.DoesNotContain(CurrentHour, folded.Hours);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => CurrentHour.AddMinutes(5 * i)), folded.FiveMinutes);
        Assert.Equal(expected, await Site.VisitorsAsync(harness));
        Assert.Equal(expectedScopes, await Scopes.VisitorsAsync(harness));
    }

    [Fact]
    public async Task A_row_stored_after_its_5_minutes_were_folded_reads_them_from_their_set_until_the_next_run_refolds_them()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        // The other folded 5 minutes' sets gone: still read from the day sets, the late row's 5 minutes from its own set.
        await Site.AssertLateRowAsync(harness, FoldedHours + ";" + FoldedSiteFives + " AND minute_utc <> '2026-11-21 02:10:00'",
            DayVisitorsScenario.Late("2026-11-21T02:12:00Z", "192.0.2.79", 0), CurrentHour.AddMinutes(10), FoldedFives, LiveNow);
    }

    [Fact]
    public async Task A_5_minute_fold_recording_fewer_requests_than_its_5_minutes_have_is_not_used()
    {
        // The fold of 02:10 holds a client its recorded requests do not cover (bit 2 × 12 + 2 of fives_0), so those 5
        // minutes are read from their set.
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);

        var (expected, actual) = await Site.StaleFoldAsync(harness, $"""
            INSERT INTO day_site_clients (day_utc, client_hash, hours, fives_0) VALUES ('2026-11-21', 42, 0, {1L << 26});
            UPDATE day_site_clients_five SET requests = requests - 1 WHERE five_utc = '2026-11-21 02:10:00'
            """, FoldedHours + ";" + FoldedSiteFives + " AND minute_utc <> '2026-11-21 02:10:00'", LiveNow);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Folding_again_folds_nothing_and_the_completed_hour_is_then_folded_as_an_hour()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        var folder = DayVisitorsScenario.Folder(harness);
        const string DayRows = "SELECT COUNT(*) * 1000003 + SUM(BIT_COUNT(hours) + BIT_COUNT(fives_0)) FROM day_site_clients";

        await folder.FoldAsync(LiveNow, CancellationToken.None);
        var rows = await harness.Database.ScalarAsync(DayRows);
        var again = await folder.FoldAsync(LiveNow, CancellationToken.None);
        var unchanged = await harness.Database.ScalarAsync(DayRows);
        var hourComplete = await folder.FoldAsync(CurrentHour.AddHours(1), CancellationToken.None);

        Assert.Empty(again.Hours);
        Assert.Empty(again.FiveMinutes);
        Assert.Equal(rows, unchanged);
        Assert.Equal([CurrentHour], hourComplete.Hours);
        Assert.Empty(hourComplete.FiveMinutes);
    }

    [Fact]
    public async Task Retention_deletes_the_5_minute_folds_records_before_it()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic);
        await DayVisitorsScenario.Folder(harness).FoldAsync(LiveNow, CancellationToken.None);

        await new RetentionPurger(harness.Database.Connections, NullLogger<RetentionPurger>.Instance)
            .PurgeClientSetsAsync(CurrentHour.AddMinutes(30), CancellationToken.None);

        Assert.Equal(3, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients_five"));
        Assert.Equal(0, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM day_site_clients_five WHERE five_utc < '2026-11-21 02:30:00'"));
    }
}
