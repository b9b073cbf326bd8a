using System.Data.Common;
using NginxPulse.Functions.Reports.Parameters;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// The raw lines behind a figure, newest first, one bounded page at a time. The cursor is the last line's (time, id):
/// the next page continues strictly after it, so lines stored meanwhile never shift or repeat a page.
/// </summary>
public sealed class LinesReport(ReportDatabase database) : IReport
{
    public const int DefaultLimit = 100;

    private static readonly string[] Columns =
        ["time", "id", "vhost", "host", "client", "method", "path", "query", "status", "bytes", "requestTimeMs", "referrer", "userAgent"];

    public string Name => "lines";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var limit = parameters.Limit ?? DefaultLimit;
        filter.Add("@limit", limit + 1);
        var after = "";
        if (parameters.Cursor is { } cursor)
        {
            filter.Add("@cursor_time", cursor.TimeUtc);
            filter.Add("@cursor_id", cursor.Id);
            after = " AND (time_utc < @cursor_time OR (time_utc = @cursor_time AND id < @cursor_id))";
        }

        var rows = new List<object?[]>();
        var keys = new List<LineCursor>();
        await database.ReadAsync($"""
            SELECT time_utc, id, vhost, host, COALESCE(client_ip, remote_addr), method, path, query, status,
                   COALESCE(bytes_sent, body_bytes), request_time_ms, referer, user_agent
            FROM access_log WHERE {filter.RawWhere}{after}
            ORDER BY time_utc DESC, id DESC LIMIT @limit
            """, filter, row =>
        {
            var time = DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc);
            var id = (byte[])row.GetValue(1);
            keys.Add(new LineCursor(time, id));
            rows.Add(
            [
                time, Convert.ToHexStringLower(id), row.GetString(2), row.GetString(3), row.GetString(4), Text(row, 5), Text(row, 6),
                Text(row, 7), Convert.ToInt64(row.GetValue(8)), Convert.ToInt64(row.GetValue(9)),
                row.IsDBNull(10) ? null : Convert.ToInt64(row.GetValue(10)), Text(row, 11), Text(row, 12),
            ]);
        }, ct);

        if (rows.Count <= limit) return new ReportTable(Columns, rows, ReportSource.Raw);
        rows.RemoveAt(limit);
        return new ReportTable(Columns, rows, ReportSource.Raw) { NextCursor = keys[limit - 1].Encode() };
    }

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
