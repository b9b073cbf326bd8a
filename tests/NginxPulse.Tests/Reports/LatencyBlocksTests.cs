using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// Latency blocks (<see cref="LatencyBlockBuilder"/>): slowest's rows of 4 and 8 aligned hours and the day, merged
/// from the hour slices. These prove a block holds exactly its hours' merged rows, that slowest reads the widest valid
/// blocks and answers exactly what the raw rows answer over whole days, aligned and unaligned hours and every filter,
/// and that a block whose hours changed is neither used nor rebuilt until its hour slices are.
/// </summary>
public sealed class LatencyBlocksTests
{
    private static readonly DateTime Day = new(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int[] Limits = [1, 3, 5, 50];

    /// <summary>Every block of the day is complete at 01:00 the next day (the day block included).</summary>
    private static ReportSliceBuilder Builder(ReportsHarness harness, int topValues = 1000) =>
        new(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 10_000, TopValues = topValues }),
            new FixedTime(Day.AddHours(25)), NullLogger<ReportSliceBuilder>.Instance);

    private static LatencyBlockBuilder Blocks(ReportsHarness harness) =>
        new(harness.Database.Connections, new ReportSlicesOptions { MaxSlicesPerRun = 10_000 }, new FixedTime(Day.AddHours(25)), NullLogger.Instance);

    /// <summary>09:00-17:00: realistic paths, latencies, vhosts and hosts; "/slow-at-noon" is slow in one hour only.</summary>
    private static IReadOnlyList<AccessRecord> Traffic()
    {
        var records = new AccessRecordBuilder(Day.AddHours(9), minutes: 8 * 60, seed: 17, fileIdentity: "inode:blocks").Build(0, 2400).ToList();
        for (var i = 0; i < 20; i++)
            records.Add(Record("/slow-at-noon", Day.AddHours(9 + i % 8).AddMinutes(7 + i), i == 3 ? 4000 : 3, line: i + 1));
        return records;
    }

    private static AccessRecord Record(string path, DateTime at, int ms, int line, string file = "inode:blocks-crafted") => new()
    {
        Id = RecordId.FromSource("web-02", file, line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-02",
        RemoteAddr = "10.4.0.1", ClientIp = "10.4.0.1", Method = "GET", Path = path, Protocol = "HTTP/1.1",
        Referer = null, UserAgent = "agent", Status = 200, BodyBytes = 0, BytesSent = 100, RequestTimeMs = ms,
        SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
    };

    private static (string, string)[] Range(string from, string to) => [("from", from), ("to", to)];

    /// <summary>
    /// The whole day (its block), 8 aligned hours (one block), 12:00-16:00 (one 4-hour block), 09:00-17:00 (hours, a
    /// 4-hour block, an hour) and a range cut inside hours (a block, hours and edges), each unfiltered, by vhost, by host
    /// and by both.
    /// </summary>
    private static IEnumerable<(string, string)[]> Queries()
    {
        (string, string)[][] ranges =
        [
            Range("2026-11-21T00:00:00Z", "2026-11-22T00:00:00Z"), Range("2026-11-21T08:00:00Z", "2026-11-21T16:00:00Z"),
            Range("2026-11-21T12:00:00Z", "2026-11-21T16:00:00Z"), Range("2026-11-21T09:00:00Z", "2026-11-21T17:00:00Z"),
            Range("2026-11-21T09:17:00Z", "2026-11-21T16:43:00Z"),
        ];
        (string, string)[][] filters = [[], [("vhost", KnownTraffic.Www)], [("host", "web-02")], [("vhost", KnownTraffic.Www), ("host", "web-02")]];
        foreach (var range in ranges)
            foreach (var filter in filters)
                foreach (var limit in Limits)
                    yield return [.. range, .. filter, ("limit", limit.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>Each query's slowest rows in JSON and CSV and its source, by "slowest query".</summary>
    private static Task<Dictionary<string, (string Json, string Csv, string Source)>> AnswersAsync(ReportsHarness harness) =>
        ReportSlicesKeyedTests.AnswersAsync(harness, Queries().Select(query => ("slowest", query)));

    /// <summary>Slowest with no slice to read (the slices' records set aside, then put back).</summary>
    private static async Task<Dictionary<string, (string Json, string Csv, string Source)>> RawAnswersAsync(ReportsHarness harness)
    {
        var answers = await harness.WithoutSlicesAsync(() => AnswersAsync(harness));
        Assert.All(answers.Values, a => Assert.Equal("raw", a.Source));
        return answers;
    }

    private static Task<long> BlocksAsync(ReportsHarness harness) => harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes > 60");

    [Fact]
    public async Task Slowest_reads_the_widest_valid_blocks_and_answers_as_the_raw_rows_do_over_days_hours_cut_ranges_and_filters()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await AnswersAsync(harness);
        var outcome = await Builder(harness).RunAsync(CancellationToken.None);

        // 09:00-17:00: 4-hour blocks from 08:00 to 20:00 (3), 8-hour from 08:00 to 24:00 (2), the day.
        Assert.Equal(3 + 2 + 1, outcome.Blocks.Count);
        Assert.Equal(3 + 2 + 1, await BlocksAsync(harness));
        var sliced = await AnswersAsync(harness);
        ReportSlicesKeyedTests.AssertSameRows(raw, sliced);
        Assert.All(sliced.Where(a => !a.Key.Contains("09:17", StringComparison.Ordinal)), a => Assert.Equal("rollup", a.Value.Source));

        // Each range reads the widest valid blocks that fit in it: marked with their span, blocks set every answer's maximum.
        await harness.Database.ExecuteAsync("UPDATE report_slice_value SET latency_max_ms = latency_max_ms + span_minutes * 1000000 WHERE span_minutes > 60");
        var marked = await AnswersAsync(harness);
        long[] Spans(string key) => JsonDocument.Parse(marked[key].Json).RootElement.EnumerateArray()
            .Select(r => r.GetProperty("maxMs").GetInt64() / 1_000_000).Distinct().Order().ToArray();
        Assert.Equal([1440], Spans("slowest from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z&limit=50"));
        Assert.Equal([480], Spans("slowest from=2026-11-21T08:00:00Z&to=2026-11-21T16:00:00Z&host=web-02&limit=50"));
        Assert.Equal([240], Spans("slowest from=2026-11-21T12:00:00Z&to=2026-11-21T16:00:00Z&vhost=www.example.com&limit=50"));
        Assert.Equal(240, Spans("slowest from=2026-11-21T09:00:00Z&to=2026-11-21T17:00:00Z&limit=50").Max());   // not 08:00's 8 hours
    }

    [Fact]
    public async Task A_block_holds_its_hours_latency_rows_merged_per_value_and_a_rest_row_where_an_hour_kept_only_its_top_values()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        await Builder(harness, topValues: 10).RunAsync(CancellationToken.None);

        var expected = new Dictionary<string, string>();
        var actual = new Dictionary<string, string>();
        var merged = new Dictionary<string, (long Requests, long Count, long Sum, long Max, LatencyCounts Histogram, long DroppedRequests, long DroppedErrors)>();
        await harness.Database.ReadAsync($"""
            SELECT b.span_minutes, b.slice_utc, v.scope, v.vhost, v.host, v.row_no = 0, COALESCE(v.value, '<null>'), v.requests, v.latency_count, v.latency_sum_ms,
                   COALESCE(v.latency_max_ms, -1), v.histogram, v.dropped_max_requests, v.dropped_max_errors
            FROM report_slice b JOIN report_slice_value v ON v.dimension = {SliceDimension.Paths.Id} AND v.span_minutes = {SliceId.Hour}
              AND v.slice_utc >= b.slice_utc AND v.slice_utc < b.slice_utc + INTERVAL b.span_minutes MINUTE AND (v.row_no = 0 OR (v.ranks & {(int)SliceRanks.Latency}) <> 0)
            WHERE b.span_minutes > 60
            """, row =>
        {
            var key = string.Join("|", Enumerable.Range(0, 7).Select(i => Convert.ToString(row.GetValue(i), CultureInfo.InvariantCulture)));
            var m = merged.TryGetValue(key, out var found) ? found : (0, 0, 0, -1, new LatencyCounts(), 0, 0);
            if (!row.IsDBNull(11)) m.Histogram.AddPacked((byte[])row.GetValue(11));
            merged[key] = (m.Requests + row.GetInt64(7), m.Count + row.GetInt64(8), m.Sum + row.GetInt64(9), Math.Max(m.Max, row.GetInt64(10)), m.Histogram,
                m.DroppedRequests + row.GetInt64(12), m.DroppedErrors + row.GetInt64(13));
        });
        foreach (var (key, m) in merged)
            expected[key] = $"{m.Requests} {m.Count} {m.Sum} {m.Max} {Convert.ToHexString(m.Count > 0 ? m.Histogram.Pack() : [])} {m.Histogram.PercentileBucket(0.95)} {m.DroppedRequests} {m.DroppedErrors}";
        await harness.Database.ReadAsync($"""
            SELECT span_minutes, slice_utc, scope, vhost, host, row_no = 0, COALESCE(value, '<null>'), requests, latency_count, latency_sum_ms,
                   COALESCE(latency_max_ms, -1), histogram, p95_bucket, dropped_max_requests, dropped_max_errors, ranks
            FROM report_slice_value WHERE span_minutes > 60
            """, row =>
        {
            var key = string.Join("|", Enumerable.Range(0, 7).Select(i => Convert.ToString(row.GetValue(i), CultureInfo.InvariantCulture)));
            Assert.Equal(row.GetInt32(5) == 1 ? 0 : (int)SliceRanks.Latency, row.GetInt32(15));
            actual[key] = $"{row.GetInt64(7)} {row.GetInt64(8)} {row.GetInt64(9)} {row.GetInt64(10)} {(row.IsDBNull(11) ? "" : Convert.ToHexString((byte[])row.GetValue(11)))} " +
                $"{(row.IsDBNull(12) ? "" : row.GetInt32(12))} {row.GetInt64(13)} {row.GetInt64(14)}";
        });
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.Contains(actual.Keys, k => k.Split('|')[5] == "1");   // capped hours: their blocks say so
        Assert.Equal(4, actual.Keys.Select(k => k.Split('|')[2]).Distinct().Count());   // every scope
    }

    [Fact]
    public async Task A_late_row_makes_the_blocks_of_its_hour_stale_they_wait_for_the_hour_slice_and_a_forged_count_is_not_used()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);

        // A slow late row at 13:20: its hour and the blocks holding it (12:00 4 hours, 08:00 8 hours, the day) are
        // stale; marked, they show if read. Slowest reads the other blocks and 12:00-14:00's raw rows, exact.
        await harness.Database.NewStore().StoreAsync("late", [new IngestItem(new KafkaPosition("nginx-access", 1, 0),
            Record("/late-and-slow", Day.AddHours(13).AddMinutes(20), 7000, line: 1, file: "inode:late"), null)], CancellationToken.None);
        await harness.Database.ExecuteAsync($"""
            UPDATE report_slice_value SET latency_max_ms = latency_max_ms + 1000000000
            WHERE (span_minutes, slice_utc) IN ((240, '2026-11-21 12:00'), (480, '2026-11-21 08:00'), (1440, '2026-11-21'))
            """);
        var raw = await RawAnswersAsync(harness);
        Assert.Equal("/late-and-slow", JsonDocument.Parse(raw["slowest from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z&limit=1"].Json).RootElement[0].GetProperty("path").GetString());
        ReportSlicesKeyedTests.AssertSameRows(raw, await AnswersAsync(harness));

        // Until its hour slice is rebuilt, no block of that hour is due, and building one writes nothing.
        var blocks = Blocks(harness);
        Assert.Empty(await blocks.DueAsync(CancellationToken.None));
        Assert.Null(await blocks.BuildAsync(new SliceId(240, Day.AddHours(12)), CancellationToken.None));
        var rerun = await builder.RunAsync(CancellationToken.None);
        Assert.Equal([new SliceId(240, Day.AddHours(12)), new SliceId(480, Day.AddHours(8)), new SliceId(1440, Day)],
            rerun.Blocks.OrderBy(b => b.SpanMinutes));
        ReportSlicesKeyedTests.AssertSameRows(raw, await AnswersAsync(harness));

        // A block whose count no longer matches its hours' rollups (forged here) is not read: its hours answer.
        await harness.Database.ExecuteAsync("UPDATE report_slice_value SET latency_max_ms = latency_max_ms + 1000000000 WHERE span_minutes = 1440");
        await harness.Database.ExecuteAsync("UPDATE report_slice SET requests = requests + 1 WHERE span_minutes = 1440");
        ReportSlicesKeyedTests.AssertSameRows(raw, await AnswersAsync(harness));
        Assert.Equal([new SliceId(1440, Day)], await blocks.DueAsync(CancellationToken.None));
    }
}
