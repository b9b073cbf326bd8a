using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Per step: requests, bytes, the status mix and latency percentiles. Buckets are aligned to the clock (multiples of
/// the step since 1970-01-01 UTC, so an hourly series has one bucket per clock hour and the first and last bucket may
/// cover only part of their step); every bucket of the range is present, with zeros where there was no traffic.
/// Hourly steps read the hourly latency histograms for the whole hours of the range.
/// </summary>
public sealed class TimeSeriesReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns =
        ["time", "requests", "bytes", "status1xx", "status2xx", "status3xx", "status4xx", "status5xx", "statusOther", "p50Ms", "p95Ms", "p99Ms"];

    // A compacted hour that began before the first bucket belongs to it.
    private const string Bucket = "GREATEST(0, TIMESTAMPDIFF(MINUTE, @origin, minute_utc) DIV @step_minutes)";

    public string Name => "timeseries";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var step = parameters.Step;
        var origin = new DateTime(parameters.FromUtc.Ticks - (parameters.FromUtc - DateTime.UnixEpoch).Ticks % step.Ticks, DateTimeKind.Utc);
        filter.Add("@step_minutes", (long)step.TotalMinutes);
        filter.Add("@origin", origin);
        var buckets = (int)Math.Ceiling((parameters.ToUtc - origin) / step);
        var counts = new long[buckets, 8];
        var latency = new LatencyPercentiles[buckets];
        for (var i = 0; i < buckets; i++) latency[i] = new LatencyPercentiles();

        await database.ReadAsync($"""
            {filter.MinutesCte}
            SELECT {Bucket} AS b, SUM(requests), SUM(bytes), SUM(status_1xx), SUM(status_2xx), SUM(status_3xx),
                   SUM(status_4xx), SUM(status_5xx), SUM(status_other)
            FROM m GROUP BY b
            """, filter, row =>
        {
            var b = Convert.ToInt32(row.GetValue(0));
            for (var c = 0; c < 8; c++) counts[b, c] = Convert.ToInt64(row.GetValue(c + 1));
        }, ct);
        // An hour row fits in one bucket only when buckets start and end on whole hours.
        var hoursAreWhole = step.Ticks % TimeSpan.TicksPerHour == 0;
        await database.ReadAsync(filter.LatencySql(Bucket, hoursAreWhole), filter,
            row => latency[Convert.ToInt32(row.GetValue(0))].Add(row, 1), ct);

        var rows = new List<object?[]>(buckets);
        for (var b = 0; b < buckets; b++)
        {
            var row = new object?[Columns.Length];
            row[0] = origin + step * b;
            for (var c = 0; c < 8; c++) row[c + 1] = counts[b, c];
            row[9] = latency[b].P50;
            row[10] = latency[b].P95;
            row[11] = latency[b].P99;
            rows.Add(row);
        }
        return new ReportTable(Columns, rows, filter.MinuteSource);
    }
}
