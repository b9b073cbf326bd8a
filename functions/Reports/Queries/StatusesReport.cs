using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Requests and bytes per exact status code (the rollups keep classes only, so raw rows).</summary>
public sealed class StatusesReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["status", "requests", "bytes"];

    public string Name => "statuses";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var rows = new List<object?[]>();
        await database.ReadAsync(
            $"SELECT status, COUNT(*), SUM(COALESCE(bytes_sent, body_bytes)) FROM access_log WHERE {filter.RawWhere} GROUP BY status ORDER BY status",
            filter, row => rows.Add([Convert.ToInt64(row.GetValue(0)), Convert.ToInt64(row.GetValue(1)), Convert.ToInt64(row.GetValue(2))]), ct);
        return new ReportTable(Columns, rows, ReportSource.Raw);
    }
}
