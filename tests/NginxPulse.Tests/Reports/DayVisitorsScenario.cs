using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// What the day-set tests share: a day and three hours of traffic from ~250 clients over four vhosts on three hosts
/// (each client seen in many hours), ranges over it that cut hours and 5 minutes in every way a summary can, the
/// folder as the timer runs it, and the two counts compared — the raw rows' distinct clients and the summary's
/// visitors — per filter of <paramref name="filters"/> and range; the first <paramref name="busy"/> filters count over
/// 30 clients in every range (a check on the traffic, so that the counts can tell a missing set apart);
/// <paramref name="ranges"/> replaces the ranges.
/// </summary>
internal sealed class DayVisitorsScenario((string? Vhost, string? Host)[] filters, int busy, (string From, string To)[]? ranges = null)
{
    public static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Now = Day.AddDays(1).AddHours(3);

    public static readonly List<AccessRecord> Traffic =
        new AccessRecordBuilder(Day, minutes: 27 * 60, seed: 7, hosts: ["web-01", "web-02", "web-03"]).Build(0, 4000);

    private readonly (string From, string To)[] _ranges = ranges ?? DayRanges;

    public (string? Vhost, string? Host)[] Filters => filters;

    private static readonly (string From, string To)[] DayRanges =
    [
        ("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z"),   // a day
        ("2026-11-20T02:17:00Z", "2026-11-20T21:43:00Z"),   // cutting an hour (and a 5 minutes) at both ends
        ("2026-11-20T19:00:00Z", "2026-11-21T02:00:00Z"),   // across midnight
        ("2026-11-20T02:47:20Z", "2026-11-21T02:47:20Z"),   // "the last 24 hours": a 5 minutes cut at both ends
    ];

    public static DayClientsFolder Folder(ReportsHarness harness) =>
        new(harness.Database.Connections, new ReportSlicesOptions { MaxSlicesPerRun = 1000 }, NullLogger.Instance);

    public async Task<long[]> RawVisitorsAsync(ReportsHarness harness)
    {
        var counts = new List<long>();
        foreach (var (vhost, host) in filters)
            foreach (var (from, to) in _ranges)
                counts.Add(await harness.Database.ScalarAsync($"""
                    SELECT COUNT(DISTINCT COALESCE(client_ip, remote_addr)) FROM access_log
                    WHERE time_utc >= '{Sql(from)}' AND time_utc < '{Sql(to)}'
                    {(vhost is null ? "" : $" AND vhost = '{vhost}'")}{(host is null ? "" : $" AND host = '{host}'")}
                    """));
        Assert.All(counts.Take(busy * _ranges.Length), c => Assert.True(c > 30));
        return [.. counts];
    }

    public async Task<long[]> VisitorsAsync(ReportsHarness harness)
    {
        var counts = new List<long>();
        foreach (var (vhost, host) in filters)
            foreach (var (from, to) in _ranges)
            {
                List<(string, string)> query = [("from", from), ("to", to)];
                if (vhost is not null) query.Add(("vhost", vhost));
                if (host is not null) query.Add(("host", host));
                counts.Add(long.Parse(ReportsTests.Row(await harness.JsonAsync("summary", [.. query]), 0, "visitors").Split('=')[1], CultureInfo.InvariantCulture));
            }
        return [.. counts];
    }

    /// <summary>
    /// Folds at <paramref name="now"/> (default <see cref="Now"/>), deletes <paramref name="setsGone"/> (the sets the day
    /// sets must now answer for) and stores <paramref name="late"/>: the counts equal the raw ones (its hour or 5 minutes
    /// read from its sets); the next fold refolds exactly <paramref name="lateFold"/> (an hour, or a 5 minutes of the
    /// current hour), and after <paramref name="allSetsGone"/> the counts are still the raw ones.
    /// </summary>
    public async Task AssertLateRowAsync(ReportsHarness harness, string setsGone, AccessRecord late, DateTime lateFold, string allSetsGone, DateTime? now = null)
    {
        var folder = Folder(harness);
        var foldTime = now ?? Now;
        await folder.FoldAsync(foldTime, CancellationToken.None);
        await harness.Database.ExecuteAsync(setsGone);
        await harness.Database.NewStore().StoreAsync("reports-tests", AccessRecordBuilder.Items([late], firstOffset: 10_000), CancellationToken.None);
        var expected = await RawVisitorsAsync(harness);
        var stale = await VisitorsAsync(harness);
        var refolded = await folder.FoldAsync(foldTime, CancellationToken.None);
        await harness.Database.ExecuteAsync(allSetsGone);

        Assert.Equal(expected, stale);
        Assert.Equal([lateFold], [.. refolded.Hours, .. refolded.FiveMinutes]);
        Assert.Equal(expected, await VisitorsAsync(harness));
    }

    /// <summary>
    /// As when rows are stored between reading an hour's requests and folding its sets: folds, then <paramref name="forge"/>
    /// adds clients to the day sets and lowers the recorded requests of their hours, and <paramref name="setsGone"/>
    /// deletes the sets the day sets must answer for (folded at <paramref name="now"/>, default <see cref="Now"/>). Returns the raw count and the summary's, which must not use those hours' folds.
    /// </summary>
    public async Task<(long[] Expected, long[] Actual)> StaleFoldAsync(ReportsHarness harness, string forge, string setsGone, DateTime? now = null)
    {
        var expected = await RawVisitorsAsync(harness);
        await Folder(harness).FoldAsync(now ?? Now, CancellationToken.None);
        await harness.Database.ExecuteAsync(forge);
        await harness.Database.ExecuteAsync(setsGone);
        return (expected, await VisitorsAsync(harness));
    }

    /// <summary>A row of its own log file (web-09 on <paramref name="vhost"/>); <paramref name="line"/> distinct per record of one store call.</summary>
    public static AccessRecord Late(string isoUtc, string client, int line = 0, string vhost = "www.example.com")
    {
        var record = new AccessRecordBuilder(Day, seed: 9, fileIdentity: "inode:99", hosts: "web-09").Build(line);
        record.TimeUtc = DateTime.Parse(isoUtc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        record.Vhost = vhost;
        record.RemoteAddr = client;
        record.ClientIp = client;
        return record;
    }

    private static string Sql(string iso) =>
        DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
