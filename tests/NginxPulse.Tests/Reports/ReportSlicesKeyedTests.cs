using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The top lists over report slices sum and rank values by their 64-bit key in SQL and read the winners' values
/// afterwards; slowest reads only the histograms of the paths that can still rank. These prove the answers stay the
/// ones of summing every value: long values (wider than MariaDB's 512-character in-memory grouping) next to short
/// ones, ties at the cut, raw rows at the edges, keys that collide, slices emptied by migration 0051, and slice rows
/// held in the replica's memory.
/// </summary>
public sealed class ReportSlicesKeyedTests
{
    private static readonly DateTime Hour = KnownTraffic.Start;   // 14:00
    private static readonly string Long1 = "/" + new string('x', 700) + "/1";
    private static readonly string Long2 = "/" + new string('x', 700) + "/2";
    private static readonly string[] TopLists = ["paths", "referrers", "useragents", "errors", "slowest", "clients"];

    // 13:57-15:03: the hour 14:00 from its slice, 13:57-14:00 and 15:00-15:03 from minute slices (or raw rows without them).
    private static readonly (string, string)[] Unaligned = [("from", "2026-11-21T13:57:00Z"), ("to", "2026-11-21T15:03:00Z")];
    private static readonly (string, string)[] WholeHour = [("from", "2026-11-21T14:00:00Z"), ("to", "2026-11-21T15:00:00Z")];

    /// <summary>
    /// Within 13:57-15:03: "/a" 7 requests (one at an edge), the two long paths and "/y" 4 each (tied), "/z-edge" 4
    /// (3 at the edges), "/only-at-the-edges" 5 (no slice read holds it: its value comes from raw rows); outside the
    /// range "/y" has 5 more; "/b" 1 at 15:00 (every minute of the edges has traffic, so each has a minute slice). Every request is a 5xx (errors rank alike); request times differ per path and hour so the
    /// p95 ranks of the parts differ from the whole's.
    /// </summary>
    private static List<AccessRecord> Traffic()
    {
        var records = new List<AccessRecord>();
        void Add(string path, DateTime at, int ms) => records.Add(Record(path, at, ms, records.Count + 1));
        for (var i = 0; i < 6; i++) Add("/a", Hour.AddMinutes(3 + 9 * i), 40 + i);
        Add("/a", Hour.AddMinutes(-2), 900);
        for (var i = 0; i < 4; i++)
        {
            Add(Long1, Hour.AddMinutes(5 + 13 * i), 300);
            Add(Long2, Hour.AddMinutes(7 + 13 * i), i == 0 ? 5000 : 20);
            Add("/y", Hour.AddMinutes(11 + 13 * i), 120);
        }
        Add("/z-edge", Hour.AddMinutes(30), 10);
        Add("/z-edge", Hour.AddMinutes(-3), 2500);
        Add("/z-edge", Hour.AddMinutes(61), 2500);
        Add("/z-edge", Hour.AddMinutes(62), 2500);
        for (var i = 0; i < 5; i++) Add("/y", Hour.AddMinutes(-10 + 76 * (i % 2)).AddSeconds(i), 7000);
        for (var i = 0; i < 5; i++) Add("/only-at-the-edges", Hour.AddMinutes(i % 2 == 0 ? -1 : 61).AddSeconds(i), 3000);
        Add("/b", Hour.AddMinutes(60).AddSeconds(30), 1);
        return records;
    }

    private static AccessRecord Record(string path, DateTime at, int ms, int line) => new()
    {
        Id = RecordId.FromSource("web-01", "inode:keyed", line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-01",
        RemoteAddr = "10.2.0." + path.Length % 7, ClientIp = "10.2.0." + path.Length % 7, Method = "GET", Path = path, Protocol = "HTTP/1.1",
        Referer = "https://ref.example" + path, UserAgent = "agent " + path, Status = 503, BodyBytes = 0, BytesSent = 100 + line,
        RequestTimeMs = ms, SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
    };

    internal static ReportSliceBuilder Builder(ReportsHarness harness) =>
        new(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 10_000 }),
            new FixedTime(new DateTime(2026, 11, 21, 18, 0, 0, DateTimeKind.Utc)), NullLogger<ReportSliceBuilder>.Instance);

    private static async Task<(string Json, string Csv, string Source)> AnswerAsync(ReportsHarness harness, string report, (string, string)[] query)
    {
        var json = await harness.CallAsync(report, query);
        var csv = await harness.CallAsync(report, [.. query, ("format", "csv")]);
        Assert.True(json.StatusCode == 200 && csv.StatusCode == 200, $"{report}: {json.StatusCode} {json.Body} {csv.Body}");
        var root = JsonDocument.Parse(json.Body).RootElement;
        return (root.GetProperty("rows").GetRawText(), csv.Body, root.GetProperty("source").GetString()!);
    }

    private static IEnumerable<(string Report, (string, string)[] Query)> Cases(params (string, string)[][] ranges) =>
        from report in TopLists from range in ranges from limit in new[] { 1, 2, 3, 4, 5, 10 }
        select (report, ((string, string)[])[.. range, ("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>Each case's rows in JSON and CSV and its source, by "report query".</summary>
    internal static async Task<Dictionary<string, (string Json, string Csv, string Source)>> AnswersAsync(
        ReportsHarness harness, IEnumerable<(string Report, (string, string)[] Query)> cases)
    {
        var answers = new Dictionary<string, (string, string, string)>();
        foreach (var (report, query) in cases) answers[$"{report} {string.Join("&", query.Select(q => $"{q.Item1}={q.Item2}"))}"] = await AnswerAsync(harness, report, query);
        return answers;
    }

    internal static void AssertSameRows(Dictionary<string, (string Json, string Csv, string Source)> expected, Dictionary<string, (string Json, string Csv, string Source)> actual)
    {
        foreach (var (name, answer) in expected)
        {
            Assert.True(answer.Json == actual[name].Json, $"{name}: JSON\n{actual[name].Json}\nexpected\n{answer.Json}");
            Assert.True(answer.Csv == actual[name].Csv, $"{name}: CSV\n{actual[name].Csv}\nexpected\n{answer.Csv}");
        }
    }

    [Fact]
    public async Task Long_and_short_values_tied_at_the_cut_rank_as_summing_every_value_does_over_slices_and_raw_edges()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await AnswersAsync(harness, Cases(Unaligned, WholeHour));
        Assert.All(raw.Values, a => Assert.Equal("raw", a.Source));

        await Builder(harness).RunAsync(CancellationToken.None);

        var sliced = await AnswersAsync(harness, Cases(Unaligned, WholeHour));
        AssertSameRows(raw, sliced);
        Assert.All(sliced.Values, a => Assert.Equal("rollup", a.Source));   // the edges from minute slices
        await harness.Database.ExecuteAsync("DELETE FROM report_slice WHERE span_minutes = 1");
        var rawEdges = await AnswersAsync(harness, Cases(Unaligned, WholeHour));
        AssertSameRows(raw, rawEdges);
        Assert.All(rawEdges.Where(a => a.Key.Contains("13:57", StringComparison.Ordinal)), a => Assert.Equal("mixed", a.Value.Source));
        // The cut falls inside a tie of four: the smallest values win, the long ones first ("/x..." < "/y" < "/z-edge").
        var paths = JsonDocument.Parse(sliced[$"paths from=2026-11-21T13:57:00Z&to=2026-11-21T15:03:00Z&limit=4"].Json).RootElement
            .EnumerateArray().Select(r => (r.GetProperty("path").GetString(), r.GetProperty("requests").GetInt64())).ToList();
        Assert.Equal([("/a", 7L), ("/only-at-the-edges", 5L), (Long1, 4L), (Long2, 4L)], paths);
    }

    [Fact]
    public async Task Slice_rows_held_in_memory_rank_as_summing_every_value_does_without_reading_a_slice_row_from_the_database()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic(), heldInMemory: true);
        var cases = Cases(Unaligned, WholeHour)
            .Concat(TopLists.Select(report => (report, ((string, string)[])[.. Unaligned, ("limit", "1000")])))
            .Concat(new[] { "paths", "errors", "slowest" }.Select(report => (report, ((string, string)[])[.. Unaligned, ("path", "/x"), ("limit", "1")])))
            .ToList();
        var raw = await AnswersAsync(harness, cases);
        await Builder(harness).RunAsync(CancellationToken.None);

        // The first calls miss and have their parts read in the background (later ones may already find them).
        AssertSameRows(raw, await AnswersAsync(harness, cases));
        await harness.SliceCache.WhenIdleAsync();

        // Every count a top list sums made far larger in the stored slice rows: an answer that read one would show it.
        await harness.Database.ExecuteAsync("""
            UPDATE report_slice_value SET requests = requests + 1000000, bytes = bytes + 1000000000, status_5xx = status_5xx + 1000000,
                                          latency_max_ms = latency_max_ms + 1000000000
            """);
        var held = await AnswersAsync(harness, cases);
        AssertSameRows(raw, held);
        Assert.All(held.Values, a => Assert.Equal("rollup", a.Source));
    }

    [Fact]
    public async Task Values_whose_stored_keys_collide_are_still_counted_apart()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await AnswersAsync(harness, Cases(WholeHour));
        await Builder(harness).RunAsync(CancellationToken.None);

        // A 64-bit key shared by two values (about 2^-64 per pair with MD5): forced here by rewriting the stored keys of
        // two values per dimension (over whole hours, so no raw row computes the true keys).
        string[] colliding = ["/y", Long1, "https://ref.example/y", "https://ref.example" + Long1, "agent /y", "agent " + Long1];
        await harness.Database.ExecuteAsync($"UPDATE report_slice_value SET value_hash = 42 WHERE value IN ({string.Join(", ", colliding.Select(v => $"'{v}'"))})");

        var collided = await AnswersAsync(harness, Cases(WholeHour));
        AssertSameRows(raw, collided);
        Assert.All(collided.Values, a => Assert.Equal("rollup", a.Source));
    }

    [Fact]
    public async Task Values_sharing_a_key_and_their_length_are_counted_apart_when_a_limit_over_64_reads_values_with_the_ranking()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        (string, string)[][] limits = [[("limit", "65")], [("limit", "1000")]];
        var cases = (from report in TopLists from limit in limits select (report, ((string, string)[])[.. WholeHour, .. limit])).ToList();
        var raw = await AnswersAsync(harness, cases);
        await Builder(harness).RunAsync(CancellationToken.None);

        // Two short values of one length (their bytes tell them apart) and two long ones (their SHA-256 does) per
        // dimension share a key, forced by rewriting the stored keys over whole hours.
        (string, string)[] pairs =
        [
            ("/a", "/y"), (Long1, Long2), ("https://ref.example/a", "https://ref.example/y"),
            ("https://ref.example" + Long1, "https://ref.example" + Long2), ("agent /a", "agent /y"), ("agent " + Long1, "agent " + Long2),
        ];
        foreach (var (i, (first, second)) in pairs.Index())
            await harness.Database.ExecuteAsync($"UPDATE report_slice_value SET value_hash = {100 + i} WHERE value IN ('{first}', '{second}')");

        var collided = await AnswersAsync(harness, cases);
        AssertSameRows(raw, collided);
        Assert.All(collided.Values, a => Assert.Equal("rollup", a.Source));
    }

    [Fact]
    public async Task Migration_0051_run_again_empties_the_slices_reports_read_raw_rows_until_the_builder_has_rebuilt_them()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await AnswersAsync(harness, Cases(WholeHour, Unaligned));
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);
        Assert.Equal(0, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice_value WHERE (latency_count > 0) <> (p95_bucket IS NOT NULL) OR (value IS NULL) <> (value_hash IS NULL)"));

        await harness.Database.ExecuteAsync(SchemaMigrator.Embedded().Single(m => m.Version == 51).Sql);

        Assert.Equal((0L, 0L), (await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice"), await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice_value")));
        var meanwhile = await AnswersAsync(harness, Cases(WholeHour, Unaligned));
        AssertSameRows(raw, meanwhile);
        Assert.All(meanwhile.Values, a => Assert.Equal("raw", a.Source));
        Assert.NotEmpty(await builder.DueSlicesAsync(CancellationToken.None));
        await builder.RunAsync(CancellationToken.None);
        var rebuilt = await AnswersAsync(harness, Cases(WholeHour, Unaligned));
        AssertSameRows(raw, rebuilt);
        Assert.Equal((long)(ClientHash.Of(Long1) >> 1), await harness.Database.ScalarAsync($"SELECT MIN(value_hash) >> 1 FROM report_slice_value WHERE value = '{Long1}'"));
    }
}
