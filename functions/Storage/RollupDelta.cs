using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

public readonly record struct RollupKey(DateTime MinuteUtc, string Vhost, string Host);

/// <summary>
/// <see cref="RollupKey"/> equality as the rollup tables' primary keys see it: utf8mb4_bin is a PAD SPACE collation, so
/// "a" and "a " are one row. Keys read back from a table match the batch's keys under this comparer.
/// </summary>
public sealed class StoredRollupKeyComparer : IEqualityComparer<RollupKey>
{
    public static readonly StoredRollupKeyComparer Instance = new();

    public bool Equals(RollupKey x, RollupKey y) =>
        x.MinuteUtc == y.MinuteUtc && x.Vhost.AsSpan().TrimEnd(' ').SequenceEqual(y.Vhost.AsSpan().TrimEnd(' ')) &&
        x.Host.AsSpan().TrimEnd(' ').SequenceEqual(y.Host.AsSpan().TrimEnd(' '));

    public int GetHashCode(RollupKey key) =>
        HashCode.Combine(key.MinuteUtc, string.GetHashCode(key.Vhost.AsSpan().TrimEnd(' ')), string.GetHashCode(key.Host.AsSpan().TrimEnd(' ')));
}

/// <summary>One rollup_minute row's counters.</summary>
public sealed record RollupCounts
{
    /// <summary>The rollup tables' counter columns and their values, in <see cref="RollupSql.MinuteColumns"/> order.</summary>
    internal static readonly IReadOnlyList<(string Column, Func<RollupCounts, object?> Value)> Columns =
    [
        ("requests", c => c.Requests),
        ("bytes", c => c.Bytes),
        ("status_1xx", c => c.Status1xx),
        ("status_2xx", c => c.Status2xx),
        ("status_3xx", c => c.Status3xx),
        ("status_4xx", c => c.Status4xx),
        ("status_5xx", c => c.Status5xx),
        ("status_other", c => c.StatusOther),
        ("bot_requests", c => c.BotRequests),
        ("latency_count", c => c.LatencyCount),
        ("latency_sum_ms", c => c.LatencySumMs),
    ];

    /// <summary>"ON DUPLICATE KEY UPDATE" assignments that add an upsert's counters to the stored ones.</summary>
    internal static string AddOnDuplicate => string.Join(", ", Columns.Select(c => $"{c.Column} = {c.Column} + VALUES({c.Column})"));

    public long Requests { get; set; }
    public long Bytes { get; set; }
    public long Status1xx { get; set; }
    public long Status2xx { get; set; }
    public long Status3xx { get; set; }
    public long Status4xx { get; set; }
    public long Status5xx { get; set; }
    public long StatusOther { get; set; }
    public long BotRequests { get; set; }
    public long LatencyCount { get; set; }
    public long LatencySumMs { get; set; }

    public void Add(RollupCounts other)
    {
        Requests += other.Requests;
        Bytes += other.Bytes;
        Status1xx += other.Status1xx;
        Status2xx += other.Status2xx;
        Status3xx += other.Status3xx;
        Status4xx += other.Status4xx;
        Status5xx += other.Status5xx;
        StatusOther += other.StatusOther;
        BotRequests += other.BotRequests;
        LatencyCount += other.LatencyCount;
        LatencySumMs += other.LatencySumMs;
    }
}

/// <summary>
/// The rollup increments of a batch of new records, aggregated in memory so a batch costs one upsert per
/// (minute, vhost, host) rather than per record. Definitions must match <see cref="RollupSql"/> exactly.
/// </summary>
public sealed class RollupDelta
{
    public Dictionary<RollupKey, RollupCounts> Minutes { get; } = [];
    /// <summary>The latency histogram of each (minute, vhost, host) with at least one request time.</summary>
    public Dictionary<RollupKey, LatencyCounts> Latency { get; } = [];

    public static DateTime MinuteOf(DateTime timeUtc) =>
        new(timeUtc.Ticks - timeUtc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    public static DateTime HourOf(DateTime timeUtc) =>
        new(timeUtc.Ticks - timeUtc.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    public static RollupDelta From(IEnumerable<AccessRecord> records)
    {
        var delta = new RollupDelta();
        foreach (var r in records) delta.Add(r);
        return delta;
    }

    public void Add(AccessRecord r)
    {
        var minute = MinuteOf(r.TimeUtc);
        var key = new RollupKey(minute, r.Vhost, r.Host);
        if (!Minutes.TryGetValue(key, out var c)) Minutes[key] = c = new RollupCounts();
        c.Requests++;
        c.Bytes += r.BytesSent ?? r.BodyBytes;
        switch (r.Status)
        {
            case >= 100 and < 200: c.Status1xx++; break;
            case >= 200 and < 300: c.Status2xx++; break;
            case >= 300 and < 400: c.Status3xx++; break;
            case >= 400 and < 500: c.Status4xx++; break;
            case >= 500 and < 600: c.Status5xx++; break;
            default: c.StatusOther++; break;
        }
        if (r.IsBot) c.BotRequests++;
        if (r.RequestTimeMs is { } ms)
        {
            c.LatencyCount++;
            c.LatencySumMs += ms;
            LatencyCounts.Of(Latency, key).Add(LatencyHistogram.Bucket(ms), 1);
        }
    }
}
