using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The rollups as SELECTs over access_log: used to recompute touched minutes and by <see cref="RollupVerifier"/>.
/// Must count exactly what <see cref="RollupDelta.Add"/> counts, or increments and recomputation would disagree.
/// </summary>
internal static class RollupSql
{
    private const string Minute = "CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:%i:00') AS DATETIME)";

    public const string MinuteColumns =
        "minute_utc, vhost, host, requests, bytes, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, status_other, bot_requests, latency_count, latency_sum_ms";

    public static string SelectMinutes(string where) => $"""
        SELECT {Minute} AS minute_utc, vhost, host, COUNT(*), SUM(COALESCE(bytes_sent, body_bytes)),
               SUM(status >= 100 AND status < 200), SUM(status >= 200 AND status < 300), SUM(status >= 300 AND status < 400),
               SUM(status >= 400 AND status < 500), SUM(status >= 500 AND status < 600), SUM(status < 100 OR status >= 600),
               SUM((flags & {(int)RecordFlags.Bot}) <> 0), COUNT(request_time_ms), COALESCE(SUM(request_time_ms), 0)
        FROM access_log WHERE {where}
        GROUP BY minute_utc, vhost, host
        """;

    /// <summary>The latency histograms as rows (minute_utc, vhost, host, bucket, count), one per non-empty bucket.</summary>
    public static string SelectLatency(string where) => $"""
        SELECT {Minute} AS minute_utc, vhost, host, {LatencyHistogram.SqlBucketExpression("request_time_ms")} AS bucket, COUNT(*) AS count
        FROM access_log WHERE request_time_ms IS NOT NULL AND ({where})
        GROUP BY minute_utc, vhost, host, bucket
        """;
}
