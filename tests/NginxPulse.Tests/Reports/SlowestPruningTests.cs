using System.Globalization;
using System.Text.Json;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// <c>slowest</c> over report slices reads only the histograms of the path keys that can still rank
/// (<see cref="SlowestPathCandidates"/>), with raw rows in the range too. These prove it answers exactly what the raw
/// rows answer when the cut falls inside a tie, when a key's upper bound only ties the threshold, when a path's parts
/// would lift a lower bound too high under a looser rule, and when the raw edges of a range lower a path's bound; and
/// that the same rule over slice rows held in memory (<see cref="NginxPulse.Functions.Reports.Held.SliceRowCache"/>) does too.
/// </summary>
public sealed class SlowestPruningTests
{
    private static readonly DateTime Hour = KnownTraffic.Start;   // 14:00
    private static readonly (string, string)[] WholeHours = [("from", "2026-11-21T14:00:00Z"), ("to", "2026-11-21T16:00:00Z")];
    // The hours 14:00 and 15:00 from their slices, 13:57-14:00 and 16:00-16:03 from minute slices or raw rows.
    private static readonly (string, string)[] Unaligned = [("from", "2026-11-21T13:57:00Z"), ("to", "2026-11-21T16:03:00Z")];
    private static readonly (string, string)[] UnalignedWww = [.. Unaligned, ("vhost", KnownTraffic.Www)];
    private static readonly (string, string)[] WholeHoursWww = [.. WholeHours, ("vhost", KnownTraffic.Www)];
    private static readonly (string, string)[] UnalignedPrefix = [.. Unaligned, ("path", "/h")];
    private static readonly int[] Limits = [1, 2, 3, 4, 5, 6, 7, 50];

    /// <summary>
    /// In the hours (p95 buckets in brackets, as the slices store them per hour):
    /// "/a-slow-once" 1 request of 1000 ms; "/e-just-slow" 1 of 120 ms; "/d-fast-overall" 18 × 1 ms + 2 × 150 ms at 14:00
    /// [150] and 18 × 1 ms + 2 × 100 ms at 15:00 [100]: 100-103 ms over both, but a bound that took "as many values as may
    /// lie above the p95" for "more" would put it at 150 or above; "/b-bound-ties" 2 × 55 ms at 14:00 [55] and 19 × 10 ms +
    /// 1 × 55 ms at 15:00 [10]: its upper bound is the bucket of 54-55 ms, where "/c-tied" (1 × 54 ms) sets the threshold
    /// of limit 6, and both have a p95 of 54.5 ms (the cut of limit 6 falls inside that tie); "/h-edges-lower-it" and
    /// "/h2-edges-lower-it" 1 × 500 and 1 × 400 ms at 14:30 and 40 × 2 ms each in the edges (2 ms over the unaligned
    /// range: bounds from their hour slices alone would put the threshold of limit 3 above "/e-just-slow"); "/g-edges-only" 2 × 300 ms in the edges;
    /// "/i-busy-slow-edge" 10 × 2 ms in each hour and 1 × 700 ms in an edge minute: 2 ms over the unaligned range too (the
    /// 20th of 21), though its edge minute's row reaches the top bucket; six fast paths of 3 × 2 ms.
    /// </summary>
    private static List<AccessRecord> Traffic()
    {
        var records = new List<AccessRecord>();
        void Add(string path, DateTime at, int ms) => records.Add(Record(path, at, ms, records.Count + 1));
        void AddMany(string path, DateTime at, int count, int ms)
        {
            for (var i = 0; i < count; i++) Add(path, at.AddSeconds(i), ms);
        }
        Add("/a-slow-once", Hour.AddMinutes(30), 1000);
        Add("/e-just-slow", Hour.AddMinutes(40), 120);
        AddMany("/d-fast-overall", Hour.AddMinutes(10), 18, 1);
        AddMany("/d-fast-overall", Hour.AddMinutes(11), 2, 150);
        AddMany("/d-fast-overall", Hour.AddMinutes(70), 18, 1);
        AddMany("/d-fast-overall", Hour.AddMinutes(71), 2, 100);
        AddMany("/b-bound-ties", Hour.AddMinutes(20), 2, 55);
        AddMany("/b-bound-ties", Hour.AddMinutes(80), 19, 10);
        Add("/b-bound-ties", Hour.AddMinutes(81), 55);
        Add("/c-tied", Hour.AddMinutes(90), 54);
        foreach (var (path, ms) in new[] { ("/h-edges-lower-it", 500), ("/h2-edges-lower-it", 400) })
        {
            Add(path, Hour.AddMinutes(30), ms);
            AddMany(path, Hour.AddMinutes(-2), 20, 2);
            AddMany(path, Hour.AddMinutes(121), 20, 2);
        }
        Add("/g-edges-only", Hour.AddMinutes(-1), 300);
        Add("/g-edges-only", Hour.AddMinutes(122), 300);
        AddMany("/i-busy-slow-edge", Hour.AddMinutes(15), 10, 2);
        AddMany("/i-busy-slow-edge", Hour.AddMinutes(75), 10, 2);
        Add("/i-busy-slow-edge", Hour.AddMinutes(-2).AddSeconds(30), 700);
        for (var i = 0; i < 6; i++) AddMany($"/fast-{i}", Hour.AddMinutes(5 + 15 * i), 3, 2);
        // Every edge minute has traffic, so each has a minute slice.
        for (var minute = -3; minute < 0; minute++) Add("/fast-0", Hour.AddMinutes(minute).AddSeconds(50), 2);
        for (var minute = 120; minute < 123; minute++) Add("/fast-0", Hour.AddMinutes(minute).AddSeconds(50), 2);
        return records;
    }

    private static AccessRecord Record(string path, DateTime at, int ms, int line) => new()
    {
        Id = RecordId.FromSource("web-01", "inode:slowest", line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-01",
        RemoteAddr = "10.3.0.1", ClientIp = "10.3.0.1", Method = "GET", Path = path, Protocol = "HTTP/1.1",
        Referer = null, UserAgent = "agent", Status = 200, BodyBytes = 0, BytesSent = 100, RequestTimeMs = ms,
        SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
    };

    /// <summary>Per range and limit: the JSON rows, the CSV and the source.</summary>
    private static async Task<Dictionary<string, (string Json, string Csv, string Source)>> AnswersAsync(ReportsHarness harness)
    {
        var answers = new Dictionary<string, (string, string, string)>();
        foreach (var range in new[] { WholeHours, Unaligned, WholeHoursWww, UnalignedWww, UnalignedPrefix })
        foreach (var limit in Limits)
        {
            (string, string)[] query = [.. range, ("limit", limit.ToString(CultureInfo.InvariantCulture))];
            var json = await harness.CallAsync("slowest", query);
            var csv = await harness.CallAsync("slowest", [.. query, ("format", "csv")]);
            Assert.True(json.StatusCode == 200 && csv.StatusCode == 200, $"{json.StatusCode} {json.Body} {csv.Body}");
            var root = JsonDocument.Parse(json.Body).RootElement;
            answers[string.Join("&", query.Select(q => $"{q.Item1}={q.Item2}"))] =
                (root.GetProperty("rows").GetRawText(), csv.Body, root.GetProperty("source").GetString()!);
        }
        return answers;
    }

    private static List<(string Path, double P95)> Ranked(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().Select(r => (r.GetProperty("path").GetString()!, r.GetProperty("p95Ms").GetDouble())).ToList();

    private static string Key((string, string)[] range, int limit) =>
        string.Join("&", range.Append(("limit", limit.ToString(CultureInfo.InvariantCulture))).Select(q => $"{q.Item1}={q.Item2}"));

    [Fact]
    public async Task The_paths_that_can_still_rank_answer_as_every_raw_row_does_with_slices_minute_edges_and_raw_edges()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = await AnswersAsync(harness);
        Assert.All(raw.Values, a => Assert.Equal("raw", a.Source));
        // The cases the rules turn on, in the truth itself.
        Assert.Equal(["/a-slow-once", "/h-edges-lower-it", "/h2-edges-lower-it", "/e-just-slow", "/d-fast-overall", "/b-bound-ties"],
            Ranked(raw[Key(WholeHours, 6)].Json).Select(r => r.Path));
        var seven = Ranked(raw[Key(WholeHours, 7)].Json);
        Assert.Equal(("/c-tied", seven[5].P95), seven[6]);   // the cut of limit 6 falls inside a tie
        Assert.Equal(["/a-slow-once", "/g-edges-only", "/e-just-slow"], Ranked(raw[Key(Unaligned, 3)].Json).Select(r => r.Path));

        // Slices only (the whole hours, the unaligned range's minute slices, a vhost's whole hours and its 5-minute and
        // minute edges): bounds, threshold and histograms in one statement.
        await ReportSlicesKeyedTests.Builder(harness).RunAsync(CancellationToken.None);
        var sliced = await AnswersAsync(harness);
        ReportSlicesKeyedTests.AssertSameRows(raw, sliced);
        Assert.All(sliced.Values, a => Assert.Equal("rollup", a.Source));

        // Raw edges (no minute slices): bounds joined in C#.
        await AssertRawEdgesAsync(harness, raw);
    }

    [Fact]
    public async Task Slice_rows_held_in_memory_answer_as_every_raw_row_does_without_reading_a_slice_row_from_the_database()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic(), heldInMemory: true);
        var raw = await AnswersAsync(harness);
        Assert.Equal(0, harness.SliceCache.Size.Entries);   // no slice yet, nothing to hold
        await ReportSlicesKeyedTests.Builder(harness).RunAsync(CancellationToken.None);

        // The first calls miss and have their parts read in the background (later ones may already find them).
        ReportSlicesKeyedTests.AssertSameRows(raw, await AnswersAsync(harness));
        await harness.SliceCache.WhenIdleAsync();
        Assert.True(harness.SliceCache.Size.Entries >= 10, $"{harness.SliceCache.Size.Entries} parts held");

        // Every stored slice row's slowest request made 10^9 ms slower: an answer that read one from the database would show it.
        await harness.Database.ExecuteAsync("UPDATE report_slice_value SET latency_max_ms = latency_max_ms + 1000000000");
        var held = await AnswersAsync(harness);
        ReportSlicesKeyedTests.AssertSameRows(raw, held);
        Assert.All(held.Values, a => Assert.Equal("rollup", a.Source));

        // Raw edges (no valid minute slices): the raw paths' bounds join the held rows' bounds.
        await AssertRawEdgesAsync(harness, raw);
    }

    /// <summary>With the minute slices no longer valid the unaligned ranges' edges are raw rows: the answers are still <paramref name="raw"/>.</summary>
    private static async Task AssertRawEdgesAsync(ReportsHarness harness, Dictionary<string, (string Json, string Csv, string Source)> raw)
    {
        await harness.Database.ExecuteAsync("DELETE FROM report_slice WHERE span_minutes = 1");
        var rawEdges = await AnswersAsync(harness);
        ReportSlicesKeyedTests.AssertSameRows(raw, rawEdges);
        Assert.All(rawEdges.Where(a => a.Key.Contains("13:57", StringComparison.Ordinal)), a => Assert.Equal("mixed", a.Value.Source));
    }
}
