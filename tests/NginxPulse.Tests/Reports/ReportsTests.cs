using System.Text.Json;
using Xunit;
using static NginxPulse.Tests.Reports.KnownTraffic;

namespace NginxPulse.Tests.Reports;

/// <summary>Every report over <see cref="KnownTraffic"/> with figures worked out by hand, unfiltered and filtered.</summary>
public sealed class ReportsTests(ReportsHarness harness) : IClassFixture<ReportsHarness>
{
    [Fact]
    public async Task Summary_over_the_rollups_counts_requests_visitors_bytes_statuses_and_percentiles()
    {
        var json = await harness.JsonAsync("summary");

        Assert.Equal("rollup", json.GetProperty("source").GetString());
        Assert.Equal("2026-11-21T14:00:00.000Z", json.GetProperty("from").GetString());
        Assert.Equal(
            "requests=10 visitors=6 bytes=5500 status1xx=0 status2xx=4 status3xx=2 status4xx=2 status5xx=2 statusOther=0 " +
            "botRequests=1 latencyCount=9 latencyAvgMs=13.8 p50Ms=10 p95Ms=31 p99Ms=31",
            Row(json, 0));
    }

    [Theory]
    [InlineData("2026-11-21T13:30:00Z", "2026-11-21T15:30:00Z")]   // a whole hour from the hourly histograms, halves from minutes
    [InlineData("2026-11-21T13:59:00Z", "2026-11-21T15:01:00Z")]
    [InlineData("2026-11-21T14:00:00Z", "2026-11-21T16:00:00Z")]
    [InlineData("2026-11-21T14:00:00Z", "2026-11-21T14:59:00Z")]   // no whole hour: minutes and raw rows only
    public async Task Summary_visitors_and_percentiles_are_the_same_whichever_hourly_or_minute_data_cover_the_range(string from, string to)
    {
        var json = await harness.JsonAsync("summary", ("from", from), ("to", to));

        var last = to.EndsWith("14:59:00Z", StringComparison.Ordinal);   // leaves out the 14:59:59 request (10.0.0.6, 0 ms)
        Assert.Equal(last ? "requests=9 visitors=5 latencyCount=8 p50Ms=10 p95Ms=31 p99Ms=31" : "requests=10 visitors=6 latencyCount=9 p50Ms=10 p95Ms=31 p99Ms=31",
            Row(json, 0, "requests", "visitors", "latencyCount", "p50Ms", "p95Ms", "p99Ms"));
    }

    [Fact]
    public async Task Timeseries_in_whole_hours_reads_the_hourly_histograms()
    {
        var json = await harness.JsonAsync("timeseries", ("to", "2026-11-21T16:00:00Z"), ("step", "1h"));

        Assert.Equal(["requests=10 p50Ms=10 p95Ms=31", "requests=0 p50Ms=null p95Ms=null"], Rows(json, "requests", "p50Ms", "p95Ms"));
    }

    [Fact]
    public async Task Summary_filtered_by_vhost_still_reads_the_rollups()
    {
        var json = await harness.JsonAsync("summary", ("vhost", Api));

        Assert.Equal("rollup", json.GetProperty("source").GetString());
        Assert.Equal("requests=3 visitors=3 bytes=1150", Row(json, 0, "requests", "visitors", "bytes"));
        Assert.Equal("p50Ms=25 p95Ms=30 p99Ms=30", Row(json, 0, "p50Ms", "p95Ms", "p99Ms"));   // 25 and 30 (/login has none)
    }

    [Fact]
    public async Task Summary_filtered_by_status_and_path_reads_raw_rows_and_combines_every_filter()
    {
        var byStatus = await harness.JsonAsync("summary", ("status", "5xx"));
        Assert.Equal("raw", byStatus.GetProperty("source").GetString());
        Assert.Equal("requests=2 visitors=2 bytes=550 status5xx=2 p50Ms=25 p95Ms=31", Row(byStatus, 0, "requests", "visitors", "bytes", "status5xx", "p50Ms", "p95Ms"));

        var combined = await harness.JsonAsync("summary", ("vhost", Www), ("host", "web-02"), ("status", "4xx,5xx"), ("path", "/api"));
        Assert.Equal("requests=2 bytes=450 status4xx=1 status5xx=1", Row(combined, 0, "requests", "bytes", "status4xx", "status5xx"));

        var byHost = await harness.JsonAsync("summary", ("host", "web-02"));
        Assert.Equal("requests=4 bytes=800", Row(byHost, 0, "requests", "bytes"));
    }

    [Fact]
    public async Task Summary_of_an_empty_range_is_zero_with_no_percentiles()
    {
        var json = await harness.JsonAsync("summary", ("from", "2026-11-20T00:00:00Z"), ("to", "2026-11-20T01:00:00Z"));

        Assert.Equal("requests=0 visitors=0 bytes=0 latencyAvgMs=null p50Ms=null p95Ms=null", Row(json, 0, "requests", "visitors", "bytes", "latencyAvgMs", "p50Ms", "p95Ms"));
    }

    [Fact]
    public async Task Timeseries_has_every_step_of_the_range_with_zeros_where_there_was_no_traffic()
    {
        var json = await harness.JsonAsync("timeseries", ("to", "2026-11-21T14:30:00Z"), ("step", "5m"));

        Assert.Equal(
            [
                "time=2026-11-21T14:00:00.000Z requests=6 bytes=4350 status2xx=3 status5xx=1",
                "time=2026-11-21T14:05:00.000Z requests=1 bytes=200 status2xx=0 status5xx=0",
                "time=2026-11-21T14:10:00.000Z requests=1 bytes=250 status2xx=0 status5xx=1",
                "time=2026-11-21T14:15:00.000Z requests=0 bytes=0 status2xx=0 status5xx=0",
                "time=2026-11-21T14:20:00.000Z requests=1 bytes=600 status2xx=1 status5xx=0",
                "time=2026-11-21T14:25:00.000Z requests=0 bytes=0 status2xx=0 status5xx=0",
            ],
            Rows(json, "time", "requests", "bytes", "status2xx", "status5xx"));
        Assert.Equal("p50Ms=20 p95Ms=31", Row(json, 0, "p50Ms", "p95Ms"));   // 5, 10, 20, 30, 31
        Assert.Equal("p50Ms=null", Row(json, 3, "p50Ms"));
    }

    [Fact]
    public async Task Timeseries_buckets_are_aligned_to_the_clock_and_the_first_may_be_partial()
    {
        var json = await harness.JsonAsync("timeseries", ("from", "2026-11-21T14:07:00Z"), ("to", "2026-11-21T15:30:00Z"), ("step", "1h"));

        // 14:07..15:00: the 14:07, 14:12:30, 14:20 and 14:59:59 requests (request times 1, 25, 2, 0 ms).
        Assert.Equal(["time=2026-11-21T14:00:00.000Z requests=4 p50Ms=1 p95Ms=25", "time=2026-11-21T15:00:00.000Z requests=0 p50Ms=null p95Ms=null"],
            Rows(json, "time", "requests", "p50Ms", "p95Ms"));
    }

    [Fact]
    public async Task Timeseries_with_a_path_filter_counts_only_matching_raw_rows_per_step()
    {
        var json = await harness.JsonAsync("timeseries", ("to", "2026-11-21T14:15:00Z"), ("step", "5m"), ("path", "/api/orders"));

        Assert.Equal("raw", json.GetProperty("source").GetString());
        Assert.Equal(["requests=2", "requests=0", "requests=1"], Rows(json, "requests"));
    }

    [Fact]
    public async Task Timeseries_picks_a_step_that_keeps_the_chart_readable_when_none_is_given()
    {
        var json = await harness.JsonAsync("timeseries", ("from", "2026-11-20T15:00:00Z"));

        Assert.Equal(96, json.GetProperty("rows").GetArrayLength());   // 24 h at the 15-minute step
        Assert.Equal(10, json.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task Top_paths_orders_by_requests_then_path_and_honours_the_limit()
    {
        var json = await harness.JsonAsync("paths", ("limit", "3"));

        Assert.Equal("raw", json.GetProperty("source").GetString());
        Assert.Equal(
            [
                "path=/api/orders requests=3 bytes=700 status4xx=1 status5xx=2",
                "path=/index.html requests=3 bytes=3200 status4xx=0 status5xx=0",
                "path=null requests=1 bytes=100 status4xx=1 status5xx=0",
            ],
            Rows(json, "path", "requests", "bytes", "status4xx", "status5xx"));
    }

    [Fact]
    public async Task Top_clients_referrers_and_user_agents_count_their_requests()
    {
        Assert.Equal(["client=10.0.0.1 requests=4", "client=10.0.0.2 requests=2", "client=10.0.0.3 requests=1"],
            Rows(await harness.JsonAsync("clients", ("limit", "3")), "client", "requests"));
        Assert.Equal(["referrer=https://google.com/ requests=1", "referrer=https://www.example.com/ requests=1"],
            Rows(await harness.JsonAsync("referrers"), "referrer", "requests"));
        Assert.Equal(
            [$"userAgent={Firefox} requests=3", $"userAgent={Curl} requests=3", "userAgent=null requests=2", $"userAgent={FormulaAgent} requests=1", $"userAgent={Googlebot} requests=1"],
            Rows(await harness.JsonAsync("useragents"), "userAgent", "requests"));
    }

    [Fact]
    public async Task Top_lists_apply_the_vhost_and_status_filters()
    {
        Assert.Equal(["client=10.0.0.1 requests=1", "client=10.0.0.4 requests=1", "client=10.0.0.5 requests=1"],
            Rows(await harness.JsonAsync("clients", ("vhost", Api)), "client", "requests"));
        Assert.Equal(["path=/api/orders requests=2"],
            Rows(await harness.JsonAsync("paths", ("status", "500,503")), "path", "requests"));
    }

    [Fact]
    public async Task Statuses_counts_each_exact_code()
    {
        var json = await harness.JsonAsync("statuses");

        Assert.Equal(
            ["status=200 requests=4 bytes=4100", "status=302 requests=1 bytes=400", "status=304 requests=1 bytes=200", "status=400 requests=1 bytes=100",
             "status=404 requests=1 bytes=150", "status=500 requests=1 bytes=300", "status=503 requests=1 bytes=250"],
            Rows(json, "status", "requests", "bytes"));
    }

    [Fact]
    public async Task Slowest_orders_paths_by_their_95th_percentile()
    {
        var json = await harness.JsonAsync("slowest");

        Assert.Equal(
            [
                "path=/api/orders requests=3 avgMs=20.3 p50Ms=25 p95Ms=31 maxMs=31",
                "path=/api/users requests=1 avgMs=30 p50Ms=30 p95Ms=30 maxMs=30",
                "path=/index.html requests=3 avgMs=10.3 p50Ms=10 p95Ms=20 maxMs=20",
                $"path={SearchPath} requests=1 avgMs=2 p50Ms=2 p95Ms=2 maxMs=2",
            ],
            Rows(json, "path", "requests", "avgMs", "p50Ms", "p95Ms", "maxMs"));
    }

    [Fact]
    public async Task Errors_lists_paths_by_their_4xx_and_5xx_responses()
    {
        var json = await harness.JsonAsync("errors");

        Assert.Equal(["path=/api/orders errors=3 status4xx=1 status5xx=2", "path=null errors=1 status4xx=1 status5xx=0"],
            Rows(json, "path", "errors", "status4xx", "status5xx"));
    }

    [Fact]
    public async Task Bandwidth95_discards_the_top_five_percent_of_five_minute_samples()
    {
        // 24 samples over two hours: bytes 4350, 200, 250, 600 and 100 in five of them, zero in the rest. In bits per
        // second (x 8 / 300) the 23rd of the 24 ascending samples, the 95th percentile, is the 600-byte window: 16.
        var json = await harness.JsonAsync("bandwidth95", ("to", "2026-11-21T16:00:00Z"));

        Assert.Equal("samples=24 sampleSeconds=300 totalBytes=5500 p95BitsPerSecond=16 maxBitsPerSecond=116 avgBitsPerSecond=6.1", Row(json, 0));
    }

    [Fact]
    public async Task Lines_page_through_every_matching_row_newest_first_with_a_cursor()
    {
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = new List<(string, string)> { ("limit", "3") };
            if (cursor is not null) query.Add(("cursor", cursor));
            var page = await harness.JsonAsync("lines", [.. query]);
            seen.AddRange(Rows(page, "time"));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(4, pages);
        Assert.Equal(Records.OrderByDescending(r => r.TimeUtc).Select(r => $"time={r.TimeUtc:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}"), seen);
    }

    [Fact]
    public async Task Lines_show_the_raw_fields_of_the_filtered_rows()
    {
        var json = await harness.JsonAsync("lines", ("status", "5xx"));

        Assert.Equal(
            ["vhost=api.example.com host=web-02 client=10.0.0.5 method=GET path=/api/orders status=503 bytes=250 requestTimeMs=25",
             "vhost=www.example.com host=web-02 client=10.0.0.2 method=GET path=/api/orders status=500 bytes=300 requestTimeMs=31"],
            Rows(json, "vhost", "host", "client", "method", "path", "status", "bytes", "requestTimeMs"));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Reports_over_an_empty_range_answer_empty_lists_and_zero_samples()
    {
        (string, string)[] empty = [("from", "2020-01-01T00:00:00Z"), ("to", "2020-01-01T06:00:00Z")];
        foreach (var report in new[] { "paths", "clients", "referrers", "useragents", "statuses", "slowest", "errors", "lines" })
            Assert.Equal(0, (await harness.JsonAsync(report, empty)).GetProperty("rows").GetArrayLength());
        Assert.Equal("samples=72 totalBytes=0 p95BitsPerSecond=0", Row(await harness.JsonAsync("bandwidth95", empty), 0, "samples", "totalBytes", "p95BitsPerSecond"));
        Assert.All((await harness.JsonAsync("timeseries", empty)).GetProperty("rows").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task Relative_times_count_back_from_now()
    {
        var json = await harness.CallAsync("summary", ("from", "-1h"), ("to", "now"));

        Assert.Equal(200, json.StatusCode);
        Assert.Contains("\"requests\":10,", json.Body);
        Assert.Contains("\"from\":\"2026-11-21T14:00:00.000Z\"", json.Body);
    }

    internal static string Row(JsonElement json, int index, params string[] columns)
    {
        var row = json.GetProperty("rows")[index];
        var names = columns.Length > 0 ? columns : row.EnumerateObject().Select(p => p.Name).ToArray();
        return string.Join(" ", names.Select(c => $"{c}={Text(row.GetProperty(c))}"));
    }

    internal static List<string> Rows(JsonElement json, params string[] columns) =>
        Enumerable.Range(0, json.GetProperty("rows").GetArrayLength()).Select(i => Row(json, i, columns)).ToList();

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
