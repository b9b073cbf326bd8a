using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Paths by their 4xx + 5xx responses, most first. A null path is a request line that could not be parsed.</summary>
public sealed class ErrorsReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["path", "errors", "status4xx", "status5xx"];

    public string Name => "errors";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        filter.Add("@limit", parameters.Limit ?? TopListReport.DefaultLimit);
        var rows = new List<object?[]>();
        await database.ReadAsync($"""
            SELECT path, COUNT(*) AS errors, SUM(status < 500), SUM(status >= 500)
            FROM access_log WHERE {filter.RawWhere} AND status >= 400 AND status < 600
            GROUP BY path ORDER BY errors DESC, path LIMIT @limit
            """, filter, row => rows.Add(
            [
                row.IsDBNull(0) ? null : row.GetString(0), Convert.ToInt64(row.GetValue(1)),
                Convert.ToInt64(row.GetValue(2)), Convert.ToInt64(row.GetValue(3)),
            ]), ct);
        return new ReportTable(Columns, rows, ReportSource.Raw);
    }
}
