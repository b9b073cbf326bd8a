using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// Slice rows held in the replica's memory (<see cref="NginxPulse.Functions.Reports.Held.SliceRowCache"/>) answer
/// exactly what the database answers from the same slices when the slices kept only their top values: each report sums
/// only its ranking's rows, as the SQL does, and says it is not exact alike.
/// </summary>
public sealed class HeldSliceRowsTests
{
    private static readonly DateTime Hour = KnownTraffic.Start;   // 14:00
    private static readonly (string, string)[] Unaligned = [("from", "2026-11-21T13:57:00Z"), ("to", "2026-11-21T16:03:00Z")];
    private static readonly (string, string)[] WholeHours = [("from", "2026-11-21T14:00:00Z"), ("to", "2026-11-21T16:00:00Z")];
    private static readonly string[] Reports = ["paths", "clients", "referrers", "useragents", "errors", "slowest"];

    /// <summary>
    /// 40 paths in each hour and a few in each edge minute, with request counts, error counts and request times drawn so
    /// the top 10 by requests, by errors and by p95 differ: slices of 10 values keep rows in one or two rankings only.
    /// </summary>
    internal static List<AccessRecord> Traffic()
    {
        var random = new Random(17);
        var records = new List<AccessRecord>();
        void Add(int path, DateTime at)
        {
            var line = records.Count + 1;
            var client = $"10.4.{path % 13}.{random.Next(3)}";
            records.Add(new AccessRecord
            {
                Id = RecordId.FromSource("web-01", "inode:held", line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-0" + (1 + path % 2),
                RemoteAddr = client, ClientIp = client, Method = "GET", Path = $"/p{path}", Protocol = "HTTP/1.1",
                Referer = $"https://ref.example/{path % 17}", UserAgent = $"agent {path % 19}", Status = random.Next(4) == 0 ? 500 + path % 4 : path % 5 == 0 ? 404 : 200,
                BodyBytes = 0, BytesSent = 100 + random.Next(5000), RequestTimeMs = random.Next(100) < 5 ? random.Next(500, 9000) : random.Next(1, 80),
                SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
            });
        }
        foreach (var hour in new[] { Hour, Hour.AddHours(1) })
            for (var path = 0; path < 40; path++)
                for (var i = random.Next(1, 12); i > 0; i--) Add(path, hour.AddMinutes(random.Next(60)).AddSeconds(random.Next(60)));
        foreach (var minute in new[] { -3, -2, -1, 120, 121, 122 })
            for (var i = 0; i < 4; i++) Add(random.Next(40), Hour.AddMinutes(minute).AddSeconds(10 * i));
        return records;
    }

    private static IEnumerable<(string Report, (string, string)[] Query)> Cases() =>
        from report in Reports
        from range in new[] { Unaligned, WholeHours, [.. Unaligned, ("vhost", KnownTraffic.Www), ("host", "web-02")] }
        from limit in new[] { "1", "5", "1000" }
        select (report, ((string, string)[])[.. range, ("limit", limit)]);

    [Fact]
    public async Task Truncated_slices_held_in_memory_answer_what_the_database_answers_from_them()
    {
        var traffic = Traffic();
        await using var fromDatabase = await ReportsHarness.WithRecordsAsync(traffic);
        await using var fromMemory = await ReportsHarness.WithRecordsAsync(traffic, heldInMemory: true);
        foreach (var harness in new[] { fromDatabase, fromMemory })
            await new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { TopValues = 10, ScopeTopValues = 10, MaxSlicesPerRun = 1000 }),
                new FixedTime(Hour.AddHours(4)), NullLogger<ReportSliceBuilder>.Instance).RunAsync(CancellationToken.None);
        // The slices kept rows of one or two rankings only: what the ranking check is for.
        Assert.True(await fromDatabase.Database.ScalarAsync($"SELECT COUNT(*) FROM report_slice_value WHERE dimension = {SliceDimension.Paths.Id} AND row_no > 0 AND ranks <> {(int)SliceRanks.All}") > 20);

        var expected = await ReportSlicesKeyedTests.AnswersAsync(fromDatabase, Cases());
        await ReportSlicesKeyedTests.AnswersAsync(fromMemory, Cases());
        await fromMemory.SliceCache.WhenIdleAsync();
        // Every stored count made far larger: an answer that read a slice row from the database would show it.
        await fromMemory.Database.ExecuteAsync("""
            UPDATE report_slice_value SET requests = requests + 1000000, bytes = bytes + 1000000000, status_4xx = status_4xx + 1000000,
                                          status_5xx = status_5xx + 1000000, latency_max_ms = latency_max_ms + 1000000000
            WHERE row_no > 0
            """);
        var held = await ReportSlicesKeyedTests.AnswersAsync(fromMemory, Cases());
        ReportSlicesKeyedTests.AssertSameRows(expected, held);
        Assert.All(held, a => Assert.Equal(expected[a.Key].Source, a.Value.Source));
    }

    [Fact]
    public async Task A_call_missing_two_parts_or_fewer_reads_and_holds_them_itself_and_one_missing_more_has_them_read_in_the_background()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic(), heldInMemory: true);
        await ReportSlicesKeyedTests.Builder(harness).RunAsync(CancellationToken.None);
        var wholeHours = await harness.JsonAsync("paths", [.. WholeHours, ("limit", "1000")]);

        // The two hour slices were read by the call itself: held at once, nothing left to read.
        Assert.Equal(2, harness.SliceCache.Size.Entries);
        await harness.Database.ExecuteAsync("UPDATE report_slice_value SET requests = requests + 1000000 WHERE row_no > 0");
        Assert.Equal(wholeHours.GetRawText(), (await harness.JsonAsync("paths", [.. WholeHours, ("limit", "1000")])).GetRawText());

        // The unaligned range also reads six minute slices: too many to read itself, so the database answers (with the
        // altered rows) and the minutes are read in the background.
        var unaligned = await harness.JsonAsync("paths", [.. Unaligned, ("limit", "1000")]);
        Assert.All(unaligned.GetProperty("rows").EnumerateArray(), row => Assert.True(row.GetProperty("requests").GetInt64() > 1_000_000, row.GetRawText()));
        await harness.SliceCache.WhenIdleAsync();
        Assert.Equal(8, harness.SliceCache.Size.Entries);
    }
}
