using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.MaintainStorage;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using NginxPulse.Tests.Support;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The top lists (paths, clients, referrers, user agents, statuses, slowest, errors) read from report slices built by
/// <see cref="ReportSliceBuilder"/> answer exactly what they answer from raw rows, whatever the range and filters, and
/// stay exact when rows arrive after a slice was built.
/// </summary>
public sealed class ReportSlicesTests
{
    private static readonly DateTime BuiltAt = new(2026, 11, 21, 18, 0, 0, DateTimeKind.Utc);
    internal static readonly string[] Reports = ["paths", "clients", "referrers", "useragents", "statuses", "slowest", "errors"];

    /// <summary>Three hours of generated traffic (13:00-16:00, two hosts, four vhosts) plus the hand-written edge cases.</summary>
    internal static IReadOnlyList<AccessRecord> Traffic() =>
    [
        .. KnownTraffic.Records,
        .. new AccessRecordBuilder(KnownTraffic.Start.AddHours(-1), minutes: 180, seed: 5, fileIdentity: "inode:slices").Build(0, 1500),
    ];

    internal static ReportSliceBuilder Builder(ReportsHarness harness, int topValues = 1000) =>
        new(harness.Database.Connections, Options.Create(new ReportSlicesOptions { TopValues = topValues, MaxSlicesPerRun = 10_000 }),
            new FixedTime(BuiltAt), NullLogger<ReportSliceBuilder>.Instance);

    internal static (string, string)[] Range(string from, string to) => [("from", $"2026-11-21T{from}:00Z"), ("to", $"2026-11-21T{to}:00Z")];

    /// <summary>Every report with every filter over a whole-hours range, and unfiltered / by vhost over ranges cut inside hours and 5 minutes.</summary>
    private static IEnumerable<(string Report, (string, string)[] Query)> Cases()
    {
        (string, string)[][] filters =
        [
            [], [("vhost", KnownTraffic.Www)], [("vhost", KnownTraffic.Www), ("host", "web-02")], [("host", "web-01")], [("path", "/api")],
            [("status", "5xx")], [("status", "404")], [("status", "4xx,5xx"), ("vhost", KnownTraffic.Www), ("path", "/api")], [("limit", "3")],
            [("status", "2xx")],
        ];
        (string, string)[][] ranges = [Range("13:07", "15:52"), Range("13:10", "15:50"), Range("14:00", "14:30"), Range("14:03", "14:09")];
        foreach (var report in Reports)
        {
            foreach (var filter in filters) yield return (report, [.. Range("13:00", "16:00"), .. filter]);
            foreach (var range in ranges)
            {
                yield return (report, range);
                yield return (report, [.. range, ("vhost", KnownTraffic.Api)]);
            }
        }
    }

    internal static async Task<(string Json, string Csv, string Source, string Exact)> AnswerAsync(ReportsHarness harness, string report, (string, string)[] query)
    {
        var json = await harness.CallAsync(report, query);
        var csv = await harness.CallAsync(report, [.. query, ("format", "csv")]);
        Assert.True(json.StatusCode == 200 && csv.StatusCode == 200, $"{report} {Describe(query)}: {json.StatusCode} {json.Body} {csv.Body}");
        var root = JsonDocument.Parse(json.Body).RootElement;
        var exact = root.TryGetProperty("exact", out var e) ? $"{e.GetBoolean()}/{root.GetProperty("errorUpperBound")}" : "";
        return (root.GetProperty("rows").GetRawText(), csv.Body, root.GetProperty("source").GetString()!, exact);
    }

    internal static string Describe((string, string)[] query) => string.Join("&", query.Select(q => $"{q.Item1}={q.Item2}"));

    [Fact]
    public async Task Every_report_from_slices_equals_the_raw_answer_in_json_and_csv_over_any_range_and_filters()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = new Dictionary<string, (string Json, string Csv, string Source, string Exact)>();
        foreach (var (report, query) in Cases()) raw[report + " " + Describe(query)] = await AnswerAsync(harness, report, query);
        Assert.All(raw.Values, a => Assert.Equal("raw", a.Source));

        var outcome = await Builder(harness).RunAsync(CancellationToken.None);

        // The 3 hours, their 36 5-minute slices and every minute with traffic.
        Assert.Equal(3 + 36 + await MinutesWithTrafficAsync(harness), outcome.Built.Count);
        var sources = new Dictionary<string, string>();
        foreach (var (report, query) in Cases())
        {
            var name = report + " " + Describe(query);
            var sliced = await AnswerAsync(harness, report, query);
            Assert.True(raw[name].Json == sliced.Json, $"{name}: JSON rows from slices\n{sliced.Json}\nraw\n{raw[name].Json}");
            Assert.True(raw[name].Csv == sliced.Csv, $"{name}: CSV from slices\n{sliced.Csv}\nraw\n{raw[name].Csv}");
            Assert.Equal(raw[name].Exact, sliced.Exact);   // fewer distinct values than kept: exact, bound 0
            sources[name] = sliced.Source;
        }
        Assert.Equal("rollup", sources["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z"]);
        Assert.Equal("rollup", sources["clients from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&vhost=www.example.com&host=web-02"]);
        Assert.Equal("rollup", sources["errors from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&status=5xx"]);
        Assert.Equal("rollup", sources["statuses from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&status=404"]);
        Assert.Equal("raw", sources["paths from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&status=404"]);
        Assert.Equal("raw", sources["errors from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&status=404"]);
        Assert.Equal("raw", sources["clients from=2026-11-21T13:00:00Z&to=2026-11-21T16:00:00Z&path=/api"]);
        Assert.Equal("rollup", sources["paths from=2026-11-21T13:10:00Z&to=2026-11-21T15:50:00Z"]);   // hours and 5 minutes
        Assert.Equal("rollup", sources["paths from=2026-11-21T13:07:00Z&to=2026-11-21T15:52:00Z"]);   // + minutes at either end
        Assert.Equal("rollup", sources["paths from=2026-11-21T14:03:00Z&to=2026-11-21T14:09:00Z"]);   // minutes only
        Assert.Equal("rollup", sources["paths from=2026-11-21T13:10:00Z&to=2026-11-21T15:50:00Z&vhost=api.example.com"]);   // the vhost's 5 minutes
        Assert.Equal("rollup", sources["paths from=2026-11-21T13:07:00Z&to=2026-11-21T15:52:00Z&vhost=api.example.com"]);   // and minutes

        // Without the minute slices the edges are read from raw rows, with the same answers.
        await harness.Database.ExecuteAsync("DELETE FROM report_slice WHERE span_minutes = 1");
        foreach (var (report, query) in Cases().Where(c => c.Query.Any(q => q.Item2.EndsWith(":07:00Z", StringComparison.Ordinal) || q.Item2.EndsWith(":03:00Z", StringComparison.Ordinal))))
        {
            var name = report + " " + Describe(query);
            var edges = await AnswerAsync(harness, report, query);
            Assert.True((raw[name].Json, raw[name].Csv, raw[name].Exact) == (edges.Json, edges.Csv, edges.Exact), $"{name}: with raw edges\n{edges}\nraw\n{raw[name]}");
            Assert.Equal(query.Any(q => q.Item2.EndsWith(":03:00Z", StringComparison.Ordinal)) ? "raw" : "mixed", edges.Source);
        }
    }

    [Fact]
    public async Task Hour_slices_keep_each_vhost_and_each_host_summed_over_the_others_so_a_filter_reads_its_own_scope()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        (string, string)[][] filters = [[("vhost", KnownTraffic.Www)], [("host", "web-01")], [("vhost", KnownTraffic.Www), ("host", "web-02")]];
        var cases = (from report in Reports from filter in filters select (report, ((string, string)[])[.. Range("13:00", "16:00"), .. filter])).ToList();
        var raw = new List<(string Json, string Csv, string Source, string Exact)>();
        foreach (var (report, query) in cases) raw.Add(await AnswerAsync(harness, report, query));

        await Builder(harness).RunAsync(CancellationToken.None);

        Assert.Equal(4, await harness.Database.ScalarAsync("SELECT COUNT(DISTINCT scope) FROM report_slice_value WHERE span_minutes = 60"));
        // Without the rows per vhost on each host, a vhost or a host alone still answers from its own scope.
        await harness.Database.ExecuteAsync("DELETE FROM report_slice_value WHERE scope = 0");
        for (var i = 0; i < cases.Count; i++)
        {
            if (cases[i].Item2.Count(q => q.Item1 is "vhost" or "host") == 2) continue;
            var sliced = await AnswerAsync(harness, cases[i].report, cases[i].Item2);
            Assert.Equal(("rollup", raw[i].Json, raw[i].Csv), (sliced.Source, sliced.Json, sliced.Csv));
        }
    }

    [Fact]
    public async Task A_row_stored_after_its_slice_was_built_is_counted_from_raw_rows_at_once_and_from_the_rebuilt_slice_after_the_next_run()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);
        var day = Range("13:00", "16:00");
        var before = await AnswerAsync(harness, "statuses", day);
        Assert.Equal("rollup", before.Source);
        (string, string)[] edge = [.. Range("14:41", "14:44"), ("path", "/late")];   // minute slices only
        Assert.Equal(("rollup", "[]"), ((await AnswerAsync(harness, "paths", edge)).Source, (await AnswerAsync(harness, "paths", edge)).Json));

        var late = AccessRecordBuilderExtensions.Late(KnownTraffic.Start.AddMinutes(42));
        await harness.Database.NewStore().StoreAsync("late", [new IngestItem(new KafkaPosition("nginx-access", 1, 0), late, null)], CancellationToken.None);

        var paths = await AnswerAsync(harness, "paths", [.. day, ("path", "/late")]);
        Assert.Equal("mixed", paths.Source);   // 13:00 and 15:00 from slices, 14:00 from raw rows
        Assert.Equal("""[{"path":"/late-arrival","requests":1,"bytes":777,"status4xx":0,"status5xx":1}]""", paths.Json);
        var statuses = await AnswerAsync(harness, "statuses", day);
        Assert.Equal(Total(before.Json) + 1, Total(statuses.Json));
        var edgePaths = await AnswerAsync(harness, "paths", edge);
        Assert.Equal(("mixed", paths.Json), (edgePaths.Source, edgePaths.Json));   // 14:41 and 14:43 from their slices, 14:42 from raw rows
        Assert.Equal([new SliceId(60, KnownTraffic.Start), new SliceId(5, KnownTraffic.Start.AddMinutes(40)), new SliceId(1, KnownTraffic.Start.AddMinutes(42))],
            await builder.DueSlicesAsync(CancellationToken.None));

        var rerun = await builder.RunAsync(CancellationToken.None);

        Assert.Equal(3, rerun.Built.Count);
        var rebuilt = await AnswerAsync(harness, "paths", [.. day, ("path", "/late")]);
        Assert.Equal(("rollup", paths.Json), (rebuilt.Source, rebuilt.Json));
        Assert.Equal(statuses.Json, (await AnswerAsync(harness, "statuses", day)).Json);
        Assert.Empty(await builder.DueSlicesAsync(CancellationToken.None));

        static long Total(string rows) => JsonDocument.Parse(rows).RootElement.EnumerateArray().Sum(r => r.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task After_compaction_hour_slices_are_checked_against_the_compacted_hours_and_5_minute_slices_are_no_longer_used()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var builder = Builder(harness);
        (string, string)[] unaligned = [.. Range("13:10", "15:50"), ("limit", "50")];
        var raw = await AnswerAsync(harness, "paths", unaligned);
        await builder.RunAsync(CancellationToken.None);

        await new RollupCompactor(harness.Database.Connections, NullLogger<RollupCompactor>.Instance)
            .CompactBeforeAsync(new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        var compacted = await AnswerAsync(harness, "paths", unaligned);
        Assert.Equal(("mixed", raw.Json, raw.Csv), (compacted.Source, compacted.Json, compacted.Csv));   // 14:00 from its slice, the edges from raw rows
        Assert.Equal("rollup", (await AnswerAsync(harness, "paths", Range("13:00", "16:00"))).Source);
        Assert.Empty(await builder.DueSlicesAsync(CancellationToken.None));

        var late = AccessRecordBuilderExtensions.Late(KnownTraffic.Start.AddMinutes(42));
        await harness.Database.NewStore().StoreAsync("late", [new IngestItem(new KafkaPosition("nginx-access", 1, 0), late, null)], CancellationToken.None);
        var withLate = await AnswerAsync(harness, "paths", [.. Range("14:00", "15:00"), ("path", "/late")]);
        Assert.Equal(("raw", """[{"path":"/late-arrival","requests":1,"bytes":777,"status4xx":0,"status5xx":1}]"""), (withLate.Source, withLate.Json));

        Assert.Equal([new SliceId(60, KnownTraffic.Start)], await builder.DueSlicesAsync(CancellationToken.None));   // no 5-minute slices of a compacted hour
        await builder.RunAsync(CancellationToken.None);
        var rebuilt = await AnswerAsync(harness, "paths", [.. Range("14:00", "15:00"), ("path", "/late")]);
        Assert.Equal(("rollup", withLate.Json), (rebuilt.Source, rebuilt.Json));
    }

    [Fact]
    public async Task Minute_slices_and_sets_are_built_and_kept_for_MinuteSliceDays_only_older_edges_are_read_from_raw_rows()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var range = Range("14:03", "14:09");
        var raw = await AnswerAsync(harness, "paths", range);
        await Builder(harness).RunAsync(CancellationToken.None);
        Assert.Equal("rollup", (await AnswerAsync(harness, "paths", range)).Source);

        // Two days later every minute of the traffic is older than MinuteSliceDays (2): none is due, all are purged.
        var later = new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { MaxSlicesPerRun = 10_000 }),
            new FixedTime(BuiltAt.AddDays(2)), NullLogger<ReportSliceBuilder>.Instance);
        Assert.Empty(await later.DueSlicesAsync(CancellationToken.None));
        await later.RunAsync(CancellationToken.None);

        Assert.Equal((0L, 0L, 0L), (await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes = 1"),
            await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice_value WHERE span_minutes = 1"),
            await harness.Database.ScalarAsync("SELECT COUNT(*) FROM minute_site_clients")));
        Assert.Equal(3 + 36, await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes <= 60"));
        var after = await AnswerAsync(harness, "paths", range);
        Assert.Equal(("raw", raw.Json), (after.Source, after.Json));
    }

    [Fact]
    public async Task Slices_capped_at_their_top_values_say_the_counts_are_not_exact_and_bound_the_error()
    {
        // Client i (1..30) makes i requests within 14:00-15:00: with 10 values kept, clients 21..30 are kept exactly and
        // the largest left out, client 20, bounds what any count may miss.
        var records = new List<AccessRecord>();
        for (var client = 1; client <= 30; client++)
            for (var n = 0; n < client; n++)
                records.Add(AccessRecordBuilderExtensions.From($"10.9.0.{client}", KnownTraffic.Start.AddMinutes(client).AddSeconds(n), line: client * 100 + n));
        await using var harness = await ReportsHarness.WithRecordsAsync(records);
        var rawTop = await AnswerAsync(harness, "clients", [.. Range("14:00", "15:00"), ("limit", "5")]);

        await Builder(harness, topValues: 10).RunAsync(CancellationToken.None);

        var sliced = await AnswerAsync(harness, "clients", [.. Range("14:00", "15:00"), ("limit", "5")]);
        Assert.Equal(("rollup", "False/20", rawTop.Json), (sliced.Source, sliced.Exact, sliced.Json));
        var statuses = await AnswerAsync(harness, "statuses", Range("14:00", "15:00"));
        Assert.Equal(("rollup", "", """[{"status":200,"requests":465,"bytes":465000}]"""), (statuses.Source, statuses.Exact, statuses.Json));
    }

    [Fact]
    public async Task Empty_ranges_answer_no_rows_and_the_builder_finds_nothing_to_build_without_traffic()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);

        foreach (var report in Reports)
        {
            var answer = await AnswerAsync(harness, report, [("from", "2026-11-20T00:00:00Z"), ("to", "2026-11-20T06:00:00Z")]);
            Assert.Equal(("[]", "raw"), (answer.Json, answer.Source));
        }
        Assert.Empty(await builder.DueSlicesAsync(CancellationToken.None));
        Assert.Equal(39 + await MinutesWithTrafficAsync(harness), await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes <= 60"));
    }

    private static Task<long> MinutesWithTrafficAsync(ReportsHarness harness) =>
        harness.Database.ScalarAsync("SELECT COUNT(*) FROM rollup_site_minute WHERE requests > 0");
}

/// <summary>Single hand-made records for the slice tests.</summary>
internal static class AccessRecordBuilderExtensions
{
    public static AccessRecord Late(DateTime at, int line = 1) => new()
    {
        Id = RecordId.FromSource("web-09", "inode:late", line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-09",
        RemoteAddr = "10.1.1.1", ClientIp = "10.1.1.1", Method = "GET", Path = "/late-arrival", Protocol = "HTTP/1.1",
        Status = 503, BodyBytes = 0, BytesSent = 777, RequestTimeMs = 12, SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
    };

    public static AccessRecord From(string client, DateTime at, int line) => new()
    {
        Id = RecordId.FromSource("web-01", "inode:cap", line), TimeUtc = at, Vhost = KnownTraffic.Www, Host = "web-01",
        RemoteAddr = client, ClientIp = client, Method = "GET", Path = "/", Protocol = "HTTP/1.1",
        Status = 200, BodyBytes = 0, BytesSent = 1000, RequestTimeMs = 5, SourceFile = "/var/log/nginx/access.log", SourceOffset = line,
    };
}
