using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// The most requested values of one raw column (paths, clients, referrers, user agents) with their bytes and error
/// counts; ties broken by the value so pages are stable. Read from raw rows: no rollup keeps these columns.
/// </summary>
public sealed class TopListReport : IReport
{
    public const int DefaultLimit = 10;

    private readonly ReportDatabase _database;
    private readonly string _keyExpression;
    private readonly string _keyCondition;
    private readonly string[] _columns;

    private TopListReport(ReportDatabase database, string name, string keyColumn, string keyExpression, string keyCondition)
    {
        _database = database;
        Name = name;
        _keyExpression = keyExpression;
        _keyCondition = keyCondition;
        _columns = [keyColumn, "requests", "bytes", "status4xx", "status5xx"];
    }

    public string Name { get; }

    public static TopListReport Paths(ReportDatabase database) => new(database, "paths", "path", "path", "");

    public static TopListReport Clients(ReportDatabase database) =>
        new(database, "clients", "client", "COALESCE(client_ip, remote_addr)", "");

    /// <summary>Requests without a referrer are not a referrer: left out.</summary>
    public static TopListReport Referrers(ReportDatabase database) =>
        new(database, "referrers", "referrer", "referer", " AND referer IS NOT NULL AND referer NOT IN ('', '-')");

    public static TopListReport UserAgents(ReportDatabase database) => new(database, "useragents", "userAgent", "user_agent", "");

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        filter.Add("@limit", parameters.Limit ?? DefaultLimit);
        var rows = new List<object?[]>();
        await _database.ReadAsync($"""
            SELECT {_keyExpression} AS k, COUNT(*) AS requests, SUM(COALESCE(bytes_sent, body_bytes)),
                   SUM(status >= 400 AND status < 500), SUM(status >= 500 AND status < 600)
            FROM access_log WHERE {filter.RawWhere}{_keyCondition}
            GROUP BY k ORDER BY requests DESC, k LIMIT @limit
            """, filter, row => rows.Add(
            [
                row.IsDBNull(0) ? null : row.GetString(0), Convert.ToInt64(row.GetValue(1)), Convert.ToInt64(row.GetValue(2)),
                Convert.ToInt64(row.GetValue(3)), Convert.ToInt64(row.GetValue(4)),
            ]), ct);
        return new ReportTable(_columns, rows, ReportSource.Raw);
    }
}
