using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// One raw column (or expression) that report slices keep top lists of, with the exclusions the raw-row reports apply;
/// the builder and every reader use the same definition, so slices and raw rows count alike.
/// </summary>
public sealed class SliceDimension
{
    private SliceDimension(int id, string name, string keyExpression, string keyCondition, bool hasLatency)
    {
        Id = id;
        Name = name;
        KeyExpression = keyExpression;
        KeyCondition = keyCondition;
        HasLatency = hasLatency;
    }

    /// <summary>Paths also keep their latency histograms (slowest endpoints) and their error counts rank them too.</summary>
    public static SliceDimension Paths { get; } = new(1, "paths", "path", "", hasLatency: true);

    public static SliceDimension Clients { get; } = new(2, "clients", "COALESCE(client_ip, remote_addr)", "", hasLatency: false);

    /// <summary>Requests without a referrer are not a referrer: left out.</summary>
    public static SliceDimension Referrers { get; } =
        new(3, "referrers", "referer", " AND referer IS NOT NULL AND referer NOT IN ('', '-')", hasLatency: false);

    public static SliceDimension UserAgents { get; } = new(4, "useragents", "user_agent", "", hasLatency: false);

    /// <summary>Exact status codes, stored as their decimal text.</summary>
    public static SliceDimension Statuses { get; } = new(5, "statuses", "status", "", hasLatency: false);

    public static IReadOnlyList<SliceDimension> All { get; } = [Paths, Clients, Referrers, UserAgents, Statuses];

    /// <summary>The report_slice_value.dimension number.</summary>
    public int Id { get; }

    public string Name { get; }

    /// <summary>The value over access_log.</summary>
    public string KeyExpression { get; }

    /// <summary>Appended to a WHERE over access_log: the rows that have no value of this dimension.</summary>
    public string KeyCondition { get; }

    public bool HasLatency { get; }

    /// <summary>
    /// The raw rows of <paramref name="where"/> grouped per vhost, host and value (and latency bucket when
    /// <see cref="HasLatency"/>): vhost, host, k, bucket, requests, bytes, 4xx, 5xx, latency sum, latency max.
    /// </summary>
    public string SelectRaw(string where)
    {
        var bucket = HasLatency ? LatencyHistogram.SqlBucketExpression("request_time_ms") : "NULL";
        return $"""
            SELECT vhost, host, {KeyExpression} AS k, {bucket} AS bucket, COUNT(*), SUM(COALESCE(bytes_sent, body_bytes)),
                   SUM(status >= 400 AND status < 500), SUM(status >= 500 AND status < 600),
                   COALESCE(SUM(request_time_ms), 0), MAX(request_time_ms)
            FROM access_log WHERE {where}{KeyCondition}
            GROUP BY vhost, host, k{(HasLatency ? ", bucket" : "")}
            """;
    }
}
