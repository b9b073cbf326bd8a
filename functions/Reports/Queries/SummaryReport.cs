using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Totals over the range: requests, distinct visitors (client address), bytes sent, the status mix, bots and
/// latency percentiles. Everything comes from the rollups (visitors from the hourly and 5-minute client sets, plus raw
/// rows for what the sets cannot count exactly at the ends of the range: <see cref="ReportFilter.VisitorsSql"/>) unless
/// a path/status filter needs raw rows; the day sets from this replica's memory once held (<see cref="VisitorCount"/>).
/// </summary>
public sealed class SummaryReport(ReportDatabase database, VisitorCount visitorCount) : IReport
{
    private static readonly string[] Columns =
    [
        "requests", "visitors", "bytes", "status1xx", "status2xx", "status3xx", "status4xx", "status5xx", "statusOther",
        "botRequests", "latencyCount", "latencyAvgMs", "p50Ms", "p95Ms", "p99Ms",
    ];

    public string Name => "summary";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var totals = new long[10];
        long latencySum = 0;
        await database.ReadAsync($"""
            {filter.MinutesCte}
            SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(bytes), 0), COALESCE(SUM(status_1xx), 0), COALESCE(SUM(status_2xx), 0),
                   COALESCE(SUM(status_3xx), 0), COALESCE(SUM(status_4xx), 0), COALESCE(SUM(status_5xx), 0),
                   COALESCE(SUM(status_other), 0), COALESCE(SUM(bot_requests), 0), COALESCE(SUM(latency_count), 0),
                   COALESCE(SUM(latency_sum_ms), 0)
            FROM m
            """, filter, row =>
        {
            for (var i = 0; i < totals.Length; i++) totals[i] = Convert.ToInt64(row.GetValue(i));
            latencySum = Convert.ToInt64(row.GetValue(10));
        }, ct);

        var visitors = await visitorCount.CountAsync(filter, ct);

        var latency = new LatencyPercentiles();
        await database.ReadAsync(filter.LatencySql("0"), filter, row => latency.Add(row, 1), ct);

        var latencyCount = totals[9];
        object?[] values =
        [
            totals[0], visitors, totals[1], totals[2], totals[3], totals[4], totals[5], totals[6], totals[7], totals[8],
            latencyCount, latencyCount == 0 ? null : Math.Round((double)latencySum / latencyCount, 1),
            latency.P50, latency.P95, latency.P99,
        ];
        return new ReportTable(Columns, [values], filter.MinuteSource);
    }
}
