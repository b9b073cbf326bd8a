using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// An unaligned range counts visitors from the hourly client sets of its whole hours, the 5-minute sets of the whole 5
/// minutes around them (the site's, or the vhost's and host's when a filter narrows it), the partial 5 minutes at
/// either end from their set when no row lies outside the range in them, and the raw rows of the rest: a client seen in
/// several of them, or many times in one, is still one visitor — so the hash computed by the database for raw rows
/// must equal the one the store wrote into the sets.
/// </summary>
public sealed class VisitorsAcrossHoursTests
{
    private static readonly DateTime Hour = new(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc);

    // Inside 13:48-13:53, a range with both edges inside 5 minutes and no whole 5 minutes.
    private static readonly AccessRecord[] EdgeRecords =
    [
        Request(1, -11, "www.example.com", "10.0.0.1"),              // 13:49
        Request(2, -10, "www.example.com", "10.0.0.2", seconds: 30), // 13:50:30
        Request(3, -8, "www.example.com", "10.0.0.3"),               // 13:52
        Request(4, -8, "api.example.com", "10.0.0.4", "web-02"),
    ];

    [Fact]
    public async Task A_client_in_a_whole_hour_and_in_the_partial_hours_counts_once()
    {
        AccessRecord[] records =
        [
            Request(1, -10, "www.example.com", "10.0.0.1"),   // 13:50, the partial hour before
            Request(2, -5, "www.example.com", "10.0.0.1"),
            Request(3, -5, "api.example.com", "10.0.0.9"),
            Request(4, 10, "www.example.com", "10.0.0.1"),    // 14:10, the whole hour
            Request(5, 70, "www.example.com", "10.0.0.9"),    // 15:10, the partial hour after
            Request(6, 80, "www.example.com", "10.0.0.7"),
            Request(7, 80, "www.example.com", "10.0.0.7"),
        ];
        var range = new[] { ("from", "2026-11-21T13:30:00Z"), ("to", "2026-11-21T15:30:00Z") };

        var summaries = await SummariesAsync(records, null, range, [.. range, ("vhost", "www.example.com")]);

        Assert.Equal(["requests=7 visitors=3", "requests=6 visitors=3"], summaries);
    }

    [Fact]
    public async Task A_range_whose_edges_fall_inside_5_minutes_counts_each_client_of_the_sets_and_the_raw_edges_once()
    {
        AccessRecord[] records =
        [
            Request(1, -29, "www.example.com", "10.0.0.5"),   // 13:31, before the range
            Request(2, -27, "www.example.com", "10.0.0.1"),   // 13:33, raw rows before the first whole 5 minutes (13:35)
            Request(3, -27, "api.example.com", "10.0.0.2"),
            Request(4, -22, "www.example.com", "10.0.0.1"),   // 13:38, the 5-minute set of 13:35
            Request(5, -2, "api.example.com", "10.0.0.3"),    // 13:58, the 5-minute set of 13:55
            Request(6, 10, "www.example.com", "10.0.0.3"),    // 14:10, the whole hour
            Request(7, 10, "www.example.com", "10.0.0.4"),
            Request(8, 62, "www.example.com", "10.0.0.4"),    // 15:02, the 5-minute set of 15:00
            Request(9, 86, "api.example.com", "10.0.0.2"),    // 15:26, raw rows after the last whole 5 minutes (15:25)
            Request(10, 87, "www.example.com", "10.0.0.6"),
            Request(11, 89, "www.example.com", "10.0.0.7"),   // 15:29, after the range
        ];
        var range = new[] { ("from", "2026-11-21T13:32:00Z"), ("to", "2026-11-21T15:28:00Z") };

        var summaries = await SummariesAsync(records, null, range, [.. range, ("vhost", "www.example.com")],
            [.. range, ("vhost", "api.example.com")], [("from", "2026-11-21T13:32:00Z"), ("to", "2026-11-21T13:59:00Z")]);

        Assert.Equal(["requests=9 visitors=5", "requests=6 visitors=4", "requests=3 visitors=2", "requests=4 visitors=3"], summaries);
    }

    [Fact]
    public async Task The_site_visitors_of_whole_5_minutes_come_from_the_5_minute_sets_not_the_raw_rows()
    {
        AccessRecord[] records =
        [
            Request(1, -20, "www.example.com", "10.0.0.1"),   // 13:40, the 5-minute set of 13:40
            Request(2, -20, "www.example.com", "10.0.0.2"),
            Request(3, -15, "www.example.com", "10.0.0.1"),   // 13:45, raw rows after the last whole 5 minutes
        ];

        // Raw rows of the 5 minutes gone (as a dropped partition would take them): the set still counts them.
        var summaries = await SummariesAsync(records, "DELETE FROM access_log WHERE time_utc < '2026-11-21 13:41:00'",
            [("from", "2026-11-21T13:40:00Z"), ("to", "2026-11-21T13:46:00Z")]);

        Assert.Equal(["requests=3 visitors=2"], summaries);
    }

    [Fact]
    public async Task A_vhost_or_host_filtered_range_counts_its_whole_5_minutes_from_the_scopes_5_minute_sets_not_the_raw_rows()
    {
        AccessRecord[] records =
        [
            Request(1, -20, "www.example.com", "10.0.0.1"),              // 13:40, the 5-minute sets of 13:40
            Request(2, -19, "www.example.com", "10.0.0.2", "web-02"),
            Request(3, -18, "api.example.com", "10.0.0.3"),
            Request(4, -15, "www.example.com", "10.0.0.1", seconds: 30), // 13:45:30, raw rows after the last whole 5 minutes
            Request(5, -13, "www.example.com", "10.0.0.9"),              // 13:47, after the range, in its last 5 minutes
        ];
        var range = new[] { ("from", "2026-11-21T13:40:00Z"), ("to", "2026-11-21T13:46:00Z") };

        // Raw rows of the whole 5 minutes gone (as a dropped partition would take them): the scopes' sets still count them.
        var summaries = await SummariesAsync(records, "DELETE FROM access_log WHERE time_utc < '2026-11-21 13:45:00'",
            [.. range, ("vhost", "www.example.com")], [.. range, ("host", "web-01")], [.. range, ("vhost", "www.example.com"), ("host", "web-02")]);

        Assert.Equal(["requests=3 visitors=2", "requests=3 visitors=2", "requests=1 visitors=1"], summaries);
    }

    [Fact]
    public async Task Partial_5_minutes_with_no_row_outside_the_range_are_read_whole_from_their_sets()
    {
        // The start's 5 minutes (13:45) hold no row before 13:48, the end's (13:50) none from 13:53.
        AccessRecord[] records = [.. EdgeRecords, Request(5, 10, "www.example.com", "10.0.0.5")]; // 14:10, outside both 5 minutes
        var range = new[] { ("from", "2026-11-21T13:48:00Z"), ("to", "2026-11-21T13:53:00Z") };

        // Raw rows of the range gone: only the sets can still count its clients.
        var summaries = await SummariesAsync(records, "DELETE FROM access_log WHERE time_utc < '2026-11-21 13:53:00'",
            range, [.. range, ("vhost", "www.example.com")], [.. range, ("host", "web-02")]);

        Assert.Equal(["requests=4 visitors=4", "requests=3 visitors=3", "requests=1 visitors=1"], summaries);
    }

    [Fact]
    public async Task Partial_5_minutes_with_a_row_outside_the_range_count_only_their_raw_rows_inside_it_even_once_stored_later()
    {
        // The dashboard's "last N minutes" as time goes on: at first nothing is stored after the end of the range, then a
        // batch brings rows after it (and before its start) into the same 5 minutes, from clients the range must not count.
        AccessRecord[] later =
        [
            Request(5, -14, "www.example.com", "10.0.0.8"),              // 13:46, before the range in its first 5 minutes
            Request(6, -6, "api.example.com", "10.0.0.9"),               // 13:54, after the range in its last 5 minutes
            Request(7, -6, "www.example.com", "10.0.0.7", seconds: 40),
        ];
        (string, string)[][] queries =
        [
            [("from", "2026-11-21T13:48:00Z"), ("to", "2026-11-21T13:53:00Z")],
            [("from", "2026-11-21T13:48:00Z"), ("to", "2026-11-21T13:53:00Z"), ("vhost", "www.example.com")],
            [("from", "2026-11-21T13:48:00Z"), ("to", "2026-11-21T13:53:00Z"), ("vhost", "api.example.com")],
        ];
        var harness = await ReportsHarness.WithRecordsAsync(EdgeRecords);
        try
        {
            var before = await SummariesAsync(harness, queries);
            await harness.Database.NewStore().StoreAsync("reports-tests", AccessRecordBuilder.Items(later, firstOffset: 100), CancellationToken.None);
            var after = await SummariesAsync(harness, queries);

            string[] expected = ["requests=4 visitors=4", "requests=3 visitors=3", "requests=1 visitors=1"];
            Assert.Equal(expected, before);
            Assert.Equal(expected, after);
            Assert.Equal(2, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM five_minute_clients WHERE minute_utc = '2026-11-21 13:50:00' AND vhost = 'www.example.com' AND client_hash IN " +
                $"({ClientHash.Of("10.0.0.7")}, {ClientHash.Of("10.0.0.3")})"));
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_minutes_of_partial_5_minutes_are_counted_from_their_minute_sets_while_their_minute_slices_are_valid()
    {
        // Rows before and after the range in its 5 minutes: without minute sets its minutes are read from raw rows.
        AccessRecord[] records =
        [
            .. EdgeRecords,
            Request(5, -14, "www.example.com", "10.0.0.8"),   // 13:46, before the range in its first 5 minutes
            Request(6, -6, "api.example.com", "10.0.0.9"),    // 13:54, after the range in its last 5 minutes
        ];
        (string, string)[] range = [("from", "2026-11-21T13:48:00Z"), ("to", "2026-11-21T13:53:00Z")];
        await using var harness = await ReportsHarness.WithRecordsAsync(records);
        await new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 1000 }),
            new FixedTime(new DateTime(2026, 11, 21, 18, 0, 0, DateTimeKind.Utc)), NullLogger<ReportSliceBuilder>.Instance).RunAsync(CancellationToken.None);
        // Raw rows of the range gone (the rollups keep counting them): only the minute sets can still count its clients.
        await harness.Database.ExecuteAsync("DELETE FROM access_log WHERE time_utc >= '2026-11-21 13:48:00' AND time_utc < '2026-11-21 13:53:00'");

        var fromSets = await SummariesAsync(harness, [range, [.. range, ("vhost", "www.example.com")]]);
        // A row stored later in 13:51 makes that minute's slice (and set) stale: 13:51 is read from raw rows, the new client counts.
        await harness.Database.NewStore().StoreAsync("reports-tests",
            AccessRecordBuilder.Items([Request(7, -9, "www.example.com", "10.0.0.10")], firstOffset: 100), CancellationToken.None);
        var afterLate = await SummariesAsync(harness, [range]);

        Assert.Equal(["requests=4 visitors=4", "requests=3 visitors=3"], fromSets);   // the vhost's from its minute sets too
        Assert.Equal(["requests=5 visitors=5"], afterLate);
    }

    /// <summary>"requests=N visitors=N" of a summary per query over the stored records, after <paramref name="sql"/> if any.</summary>
    private static async Task<string[]> SummariesAsync(AccessRecord[] records, string? sql, params (string Name, string Value)[][] queries)
    {
        var harness = await ReportsHarness.WithRecordsAsync(records);
        try
        {
            if (sql is not null) await harness.Database.ExecuteAsync(sql);
            return await SummariesAsync(harness, queries);
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    private static async Task<string[]> SummariesAsync(ReportsHarness harness, (string Name, string Value)[][] queries)
    {
        var rows = new List<string>();
        foreach (var query in queries) rows.Add(ReportsTests.Row(await harness.JsonAsync("summary", query), 0, "requests", "visitors"));
        return [.. rows];
    }

    private static AccessRecord Request(int line, int minutesFromHour, string vhost, string client, string host = "web-01", int seconds = 0) => new()
    {
        Id = RecordId.FromSource(host, "inode:88", line * 100L),
        TimeUtc = Hour.AddMinutes(minutesFromHour).AddSeconds(seconds),
        Vhost = vhost,
        Host = host,
        RemoteAddr = client,
        ClientIp = client,
        Method = "GET",
        Path = "/",
        Protocol = "HTTP/1.1",
        Status = 200,
        BytesSent = 100,
        RequestTimeMs = 5,
        SourceFile = "/var/log/nginx/access.log",
        SourceOffset = line * 100L,
    };
}
