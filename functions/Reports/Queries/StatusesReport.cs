using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Requests and bytes per exact status code: from the statuses report slices where valid (a status filter selects
/// their codes), raw rows for the rest; a path filter needs raw rows throughout.
/// </summary>
public sealed class StatusesReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["status", "requests", "bytes"];

    public string Name => "statuses";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var statusOnValue = parameters.Statuses.Count == 0 ? "" : " AND " + filter.StatusCondition("CAST(value AS SIGNED)");
        await using var read = await SlicedRead.BeginAsync(database, filter, slicesAnswer: parameters.PathPrefix is null, ct);
        var rows = new List<object?[]>();
        await read.ReadAsync($"""
            SELECT k, SUM(r), SUM(b) FROM (
            {read.UnionAll(SliceDimension.Statuses, SliceRanks.Requests,
                where => $"SELECT CAST(value AS SIGNED) AS k, requests AS r, bytes AS b FROM report_slice_value WHERE {where}{statusOnValue}",
                where => $"SELECT status AS k, COUNT(*) AS r, SUM(COALESCE(bytes_sent, body_bytes)) AS b FROM access_log WHERE {where} GROUP BY status")}
            ) u GROUP BY k ORDER BY k
            """, row => rows.Add([Convert.ToInt64(row.GetValue(0)), Convert.ToInt64(row.GetValue(1)), Convert.ToInt64(row.GetValue(2))]), ct);
        return new ReportTable(Columns, rows, read.Source);
    }
}
