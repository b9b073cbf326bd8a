using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Reports;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using Xunit;
using static NginxPulse.Tests.Reports.ReportSlicesTests;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// 5-minute and minute slices keep every scope (site, vhost, host, vhost on host) like hour slices, so a top list
/// filtered by vhost and/or host over a range cut inside hours and inside 5 minutes reads its partial hours from the
/// scope's slices, with the raw answer, and reads raw rows only for a piece whose slice is stale.
/// </summary>
public sealed class ReportSliceScopesTests
{
    private static readonly (string, string)[][] Filters =
        [[("vhost", KnownTraffic.Www)], [("host", "web-01")], [("vhost", KnownTraffic.Www), ("host", "web-02")]];

    /// <summary>Cut inside hours at whole 5 minutes, inside 5 minutes at either end, and inside one hour and its 5 minutes.</summary>
    private static readonly (string, string)[][] Ranges = [Range("13:10", "15:50"), Range("13:07", "15:52"), Range("14:03", "14:44")];

    private static IEnumerable<(string Report, (string, string)[] Query)> Cases() =>
        from report in ReportSlicesTests.Reports from range in Ranges from filter in Filters select (report, ((string, string)[])[.. range, .. filter]);

    [Fact]
    public async Task Filtered_reports_over_ranges_cut_inside_hours_and_5_minutes_read_only_the_scopes_slices_and_equal_the_raw_answers()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var raw = new Dictionary<string, (string Json, string Csv, string Source, string Exact)>();
        foreach (var (report, query) in Cases()) raw[report + " " + Describe(query)] = await AnswerAsync(harness, report, query);

        await Builder(harness).RunAsync(CancellationToken.None);

        foreach (var (report, query) in Cases())
        {
            var name = report + " " + Describe(query);
            var sliced = await AnswerAsync(harness, report, query);
            Assert.True(raw[name].Json == sliced.Json, $"{name}: JSON rows from slices\n{sliced.Json}\nraw\n{raw[name].Json}");
            Assert.True(raw[name].Csv == sliced.Csv, $"{name}: CSV from slices\n{sliced.Csv}\nraw\n{raw[name].Csv}");
            Assert.Equal((name, raw[name].Exact, "rollup"), (name, sliced.Exact, sliced.Source));
        }
    }

    [Fact]
    public async Task Every_5_minute_and_minute_slice_keeps_every_scope_each_summing_to_the_rows_the_slice_counted()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());

        await Builder(harness).RunAsync(CancellationToken.None);

        var db = harness.Database;
        // Status codes are never capped: per slice and scope their requests sum to every row of the slice.
        var sums = $"""
            SELECT s.span_minutes, s.slice_utc, v.scope, s.requests, SUM(v.requests) AS summed FROM report_slice s
            JOIN report_slice_value v ON v.span_minutes = s.span_minutes AND v.slice_utc = s.slice_utc AND v.row_no > 0 AND v.dimension = {SliceDimension.Statuses.Id}
            WHERE s.span_minutes IN (1, 5) GROUP BY s.span_minutes, s.slice_utc, v.scope, s.requests
            """;
        var slices = await db.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes IN (1, 5)");
        Assert.True(slices > 36);
        Assert.Equal(4 * slices, await db.ScalarAsync($"SELECT COUNT(*) FROM ({sums}) g"));
        Assert.Equal(0, await db.ScalarAsync($"SELECT COUNT(*) FROM ({sums}) g WHERE summed <> requests"));
        // Each vhost and each host of the traffic has its own rows in the 5 minutes and minutes.
        Assert.Equal((4L, 2L, 8L), (
            await db.ScalarAsync("SELECT COUNT(DISTINCT vhost) FROM report_slice_value WHERE span_minutes = 1 AND scope = 2"),
            await db.ScalarAsync("SELECT COUNT(DISTINCT host) FROM report_slice_value WHERE span_minutes = 5 AND scope = 3"),
            await db.ScalarAsync("SELECT COUNT(DISTINCT vhost, host) FROM report_slice_value WHERE span_minutes = 5 AND scope = 0")));
    }

    [Fact]
    public async Task A_late_row_makes_a_filtered_read_take_only_its_stale_5_minutes_or_minute_from_raw_rows_until_they_are_rebuilt()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);
        (string, string)[] query = [.. Range("13:07", "14:44"), ("vhost", KnownTraffic.Www)];
        Assert.Equal(0, await RawRowsAtMostAsync(harness));
        var before = await AnswerAsync(harness, "statuses", query);

        // 14:22 is in a whole 5 minutes of the range, 14:42 in a minute the range cuts out of its 5 minutes. The raw rows
        // read are at most the site's requests of the range's part of the 5 minutes the raw pieces overlap.
        await StoreLateAsync(harness, KnownTraffic.Start.AddMinutes(22), 0);
        Assert.Equal(await SiteRequestsAsync(harness, "14:20", "14:25"), await RawRowsAtMostAsync(harness));
        await StoreLateAsync(harness, KnownTraffic.Start.AddMinutes(42), 1);
        Assert.Equal(await SiteRequestsAsync(harness, "14:20", "14:25") + await SiteRequestsAsync(harness, "14:40", "14:44"), await RawRowsAtMostAsync(harness));

        var mixed = await AnswersAsync(harness, query);
        var rawOnly = await RawAnswersAsync(harness, query);
        Assert.Equal(rawOnly.Select(a => (a.Json, a.Csv, a.Exact, "mixed")), mixed.Select(a => (a.Json, a.Csv, a.Exact, a.Source)));
        Assert.Equal(Requests(before.Json) + 2, Requests(mixed[Array.IndexOf(ReportSlicesTests.Reports, "statuses")].Json));

        await builder.RunAsync(CancellationToken.None);

        Assert.Equal(0, await RawRowsAtMostAsync(harness));
        var rebuilt = await AnswersAsync(harness, query);
        Assert.Equal(rawOnly.Select(a => (a.Json, a.Csv, a.Exact, "rollup")), rebuilt.Select(a => (a.Json, a.Csv, a.Exact, a.Source)));

        static long Requests(string rows) => JsonDocument.Parse(rows).RootElement.EnumerateArray().Sum(r => r.GetProperty("requests").GetInt64());

        async Task<long> RawRowsAtMostAsync(ReportsHarness h)
        {
            var filter = new ReportFilter(new ReportParameters
            {
                FromUtc = KnownTraffic.Start.AddMinutes(-53), ToUtc = KnownTraffic.Start.AddMinutes(44), Vhost = KnownTraffic.Www, Step = TimeSpan.FromMinutes(1),
            });
            await using var read = await SlicedRead.BeginAsync(new ReportDatabase(h.Database.Connections, Options.Create(new ReportsOptions())), filter, slicesAnswer: true, CancellationToken.None);
            return read.RawRowsAtMost;
        }
    }

    [Fact]
    public async Task Migration_0056_clears_the_site_only_5_minute_and_minute_slices_so_filters_read_raw_edges_until_they_are_rebuilt_with_every_scope()
    {
        await using var harness = await ReportsHarness.WithRecordsAsync(Traffic());
        (string, string)[] query = [.. Range("13:07", "15:52"), ("host", "web-01")];
        var raw = await AnswersAsync(harness, query);
        var builder = Builder(harness);
        await builder.RunAsync(CancellationToken.None);
        var narrow = await harness.Database.ScalarAsync("SELECT COUNT(*) FROM report_slice WHERE span_minutes IN (1, 5)");
        // What the builder before 0056 left: 5-minute and minute slices of the whole site only.
        await harness.Database.ExecuteAsync("DELETE FROM report_slice_value WHERE span_minutes IN (1, 5) AND scope <> 1");

        await harness.Database.ExecuteAsync(SchemaMigrator.Embedded().Single(m => m.Version == 56).Sql);

        var meanwhile = await AnswersAsync(harness, query);
        Assert.Equal(raw.Select(a => (a.Json, a.Csv, a.Exact, "mixed")), meanwhile.Select(a => (a.Json, a.Csv, a.Exact, a.Source)));   // whole hours from their slices
        Assert.Equal(narrow, (await builder.DueSlicesAsync(CancellationToken.None)).Count);
        await builder.RunAsync(CancellationToken.None);
        var rebuilt = await AnswersAsync(harness, query);
        Assert.Equal(raw.Select(a => (a.Json, a.Csv, a.Exact, "rollup")), rebuilt.Select(a => (a.Json, a.Csv, a.Exact, a.Source)));
    }

    [Fact]
    public async Task Five_minute_and_minute_slices_keep_ScopeTopValues_per_vhost_or_host_and_a_filtered_list_over_them_bounds_its_error()
    {
        // Client i (1..30) makes i requests within 14:00-14:05: the 5 minutes' vhost keeps clients 21..30, the site all.
        var records = new List<AccessRecord>();
        for (var client = 1; client <= 30; client++)
            for (var n = 0; n < client; n++)
                records.Add(AccessRecordBuilderExtensions.From($"10.9.0.{client}", KnownTraffic.Start.AddSeconds(client * 9 + n), line: client * 100 + n));
        await using var harness = await ReportsHarness.WithRecordsAsync(records);
        (string, string)[] range = [.. Range("14:00", "14:05"), ("limit", "5")];
        var raw = await AnswerAsync(harness, "clients", [.. range, ("vhost", KnownTraffic.Www)]);

        await new ReportSliceBuilder(harness.Database.Connections, Options.Create(new ReportSlicesOptions { ScopeTopValues = 10, MaxSlicesPerRun = 1000 }),
            new FixedTime(KnownTraffic.Start.AddHours(4)), NullLogger<ReportSliceBuilder>.Instance).RunAsync(CancellationToken.None);

        var filtered = await AnswerAsync(harness, "clients", [.. range, ("vhost", KnownTraffic.Www)]);
        Assert.Equal(("rollup", "False/20", raw.Json), (filtered.Source, filtered.Exact, filtered.Json));
        var site = await AnswerAsync(harness, "clients", range);
        Assert.Equal(("rollup", "True/0", raw.Json), (site.Source, site.Exact, site.Json));
        Assert.Equal((10L, 30L), (await harness.Database.ScalarAsync($"SELECT COUNT(*) FROM report_slice_value WHERE span_minutes = 5 AND scope = {SliceScope.Vhost.Id} AND row_no > 0 AND dimension = {SliceDimension.Clients.Id}"),
            await harness.Database.ScalarAsync($"SELECT COUNT(*) FROM report_slice_value WHERE span_minutes = 5 AND scope = {SliceScope.Site.Id} AND row_no > 0 AND dimension = {SliceDimension.Clients.Id}")));
        Assert.Contains("ReportSlices:ScopeTopValues", Assert.Single(new ReportSlicesOptionsValidator().Validate(null, new ReportSlicesOptions { ScopeTopValues = 9 }).Failures!));
    }

    /// <summary>Every top list's answer over the query, in the order of <see cref="ReportSlicesTests.Reports"/>.</summary>
    private static async Task<List<(string Json, string Csv, string Source, string Exact)>> AnswersAsync(ReportsHarness harness, (string, string)[] query)
    {
        var answers = new List<(string Json, string Csv, string Source, string Exact)>();
        foreach (var report in ReportSlicesTests.Reports) answers.Add(await AnswerAsync(harness, report, query));
        return answers;
    }

    private static Task StoreLateAsync(ReportsHarness harness, DateTime at, long offset) =>
        harness.Database.NewStore().StoreAsync("late", [new IngestItem(new KafkaPosition("nginx-access", 1, offset), AccessRecordBuilderExtensions.Late(at, line: (int)offset + 1), null)],
            CancellationToken.None);

    private static Task<long> SiteRequestsAsync(ReportsHarness harness, string from, string to) =>
        harness.Database.ScalarAsync($"SELECT SUM(requests) FROM {SiteMinuteTable.Name} WHERE minute_utc >= '2026-11-21 {from}' AND minute_utc < '2026-11-21 {to}'");

    /// <summary>Every report's answer with no slice to read (the slices' counts set aside, then put back).</summary>
    private static async Task<List<(string Json, string Csv, string Source, string Exact)>> RawAnswersAsync(ReportsHarness harness, (string, string)[] query)
    {
        var answers = await harness.WithoutSlicesAsync(() => AnswersAsync(harness, query));
        Assert.All(answers, a => Assert.Equal("raw", a.Source));
        return answers;
    }
}
