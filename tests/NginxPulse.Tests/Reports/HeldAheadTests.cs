using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// Reading the rolling ranges ahead (<see cref="NginxPulse.Functions.Reports.Held.HeldAhead"/>): after one run, a
/// replica's first call for a range held ahead answers from memory — the stored slice rows and day sets can be altered
/// or gone and the answer is still what the database answered before — for the whole site and for a vhost/host filter
/// asked for before the run, not for one never asked.
/// </summary>
public sealed class HeldAheadTests
{
    // "now" is 15:00: 13:57..15:00 reads three minute slices and an hour, 14:02..15:00 three minutes and eleven 5 minutes;
    // both more than a call reads itself, so without reading ahead the first call takes the database path.
    private static readonly Dictionary<string, string?> Ahead = new() { ["Reports:HoldAheadRanges"] = "63m,58m" };
    private static readonly string[] Reports = ["paths", "clients", "referrers", "useragents", "errors", "slowest", "summary"];
    private static readonly (string, string)[] WwwOnWeb02 = [("vhost", KnownTraffic.Www), ("host", "web-02")];

    private const string StoredRowsAltered = """
        UPDATE report_slice_value SET requests = requests + 1000000, bytes = bytes + 1000000000, status_4xx = status_4xx + 1000000,
                                      status_5xx = status_5xx + 1000000, latency_max_ms = latency_max_ms + 1000000000
        WHERE row_no > 0;
        DELETE FROM day_site_clients; DELETE FROM day_clients
        """;

    private static IEnumerable<(string Report, (string, string)[] Query)> Cases(params (string, string)[] filter) =>
        from report in Reports
        from back in new[] { "-63m", "-58m" }
        select (report, ((string, string)[])[("from", back), ("to", "now"), .. filter, .. report == "summary" ? [] : new[] { ("limit", "1000") }]);

    private static async Task<ReportsHarness> BuiltAsync(bool heldInMemory)
    {
        var harness = await ReportsHarness.WithRecordsAsync(HeldSliceRowsTests.Traffic(), heldInMemory, heldInMemory ? Ahead : null);
        await ReportSlicesKeyedTests.Builder(harness).RunAsync(CancellationToken.None);
        return harness;
    }

    private static async Task HoldAheadAsync(ReportsHarness harness)
    {
        await harness.HeldAhead.RunOnceAsync(CancellationToken.None);
        await harness.SliceCache.WhenIdleAsync();
        await harness.DayClientsCache.WhenIdleAsync();
    }

    [Fact]
    public async Task After_one_run_the_first_call_for_each_range_held_ahead_answers_from_memory_what_the_database_answers()
    {
        await using var fromDatabase = await BuiltAsync(heldInMemory: false);
        await using var ahead = await BuiltAsync(heldInMemory: true);
        var expected = await ReportSlicesKeyedTests.AnswersAsync(fromDatabase, Cases());

        await HoldAheadAsync(ahead);
        Assert.True(ahead.DayClientsCache.Size.Entries >= 1, "the day set of 14:00 held");
        await ahead.Database.ExecuteAsync(StoredRowsAltered);

        ReportSlicesKeyedTests.AssertSameRows(expected, await ReportSlicesKeyedTests.AnswersAsync(ahead, Cases()));
    }

    [Fact]
    public async Task A_filter_asked_for_is_held_ahead_from_the_next_run_and_one_never_asked_is_not()
    {
        await using var fromDatabase = await BuiltAsync(heldInMemory: false);
        await using var ahead = await BuiltAsync(heldInMemory: true);
        var expected = await ReportSlicesKeyedTests.AnswersAsync(fromDatabase, Cases(WwwOnWeb02));

        // The dashboard asks for the filter once (a report that reads no slices); the next run holds its ranges too.
        Assert.Equal(200, (await ahead.CallAsync("statuses", [("from", "-1h"), .. WwwOnWeb02])).StatusCode);
        await HoldAheadAsync(ahead);
        await ahead.Database.ExecuteAsync(StoredRowsAltered);

        ReportSlicesKeyedTests.AssertSameRows(expected, await ReportSlicesKeyedTests.AnswersAsync(ahead, Cases(WwwOnWeb02)));
        var neverAsked = await ahead.JsonAsync("paths", ("from", "-63m"), ("to", "now"), ("vhost", KnownTraffic.Www), ("limit", "1000"));
        Assert.All(neverAsked.GetProperty("rows").EnumerateArray(), row => Assert.True(row.GetProperty("requests").GetInt64() > 1_000_000, row.GetRawText()));
    }

    [Fact]
    public async Task Started_with_the_app_it_holds_the_ranges_without_a_call()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(HeldSliceRowsTests.Traffic(), heldInMemory: true,
            new Dictionary<string, string?> { ["Reports:HoldAheadRanges"] = "63m", ["Reports:HoldAheadInterval"] = "00:00:01" });
        await ReportSlicesKeyedTests.Builder(harness).RunAsync(CancellationToken.None);

        await harness.HeldAhead.StartAsync(CancellationToken.None);
        try
        {
            // 13:57, 13:58, 13:59 and the hour 14:00, each for paths, clients, referrers and user agents.
            await Eventually.TrueAsync(() => Task.FromResult(harness.SliceCache.Size.Entries == 16), TimeSpan.FromSeconds(30),
                () => $"16 slice parts held ahead, not {harness.SliceCache.Size.Entries}");
        }
        finally
        {
            await harness.HeldAhead.StopAsync(CancellationToken.None);
        }
    }
}
