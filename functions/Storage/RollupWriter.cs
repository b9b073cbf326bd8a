using System.Globalization;

namespace NginxPulse.Functions.Storage;

/// <summary>Keeps rollup_minute and rollup_latency_minute in step with access_log, inside the batch transaction.</summary>
internal sealed class RollupWriter
{
    // Rows per upsert statement: a few hundred kilobytes of text at most, however many keys a batch touches.
    private const int RowsPerStatement = 1000;

    private static readonly MultiRowInsert<KeyValuePair<RollupKey, RollupCounts>> MinuteUpsert = new("rollup_minute",
    [
        ("minute_utc", kv => kv.Key.MinuteUtc),
        ("vhost", kv => kv.Key.Vhost),
        ("host", kv => kv.Key.Host),
        ("requests", kv => kv.Value.Requests),
        ("bytes", kv => kv.Value.Bytes),
        ("status_1xx", kv => kv.Value.Status1xx),
        ("status_2xx", kv => kv.Value.Status2xx),
        ("status_3xx", kv => kv.Value.Status3xx),
        ("status_4xx", kv => kv.Value.Status4xx),
        ("status_5xx", kv => kv.Value.Status5xx),
        ("status_other", kv => kv.Value.StatusOther),
        ("bot_requests", kv => kv.Value.BotRequests),
        ("latency_count", kv => kv.Value.LatencyCount),
        ("latency_sum_ms", kv => kv.Value.LatencySumMs),
    ],
    "ON DUPLICATE KEY UPDATE requests = requests + VALUES(requests), bytes = bytes + VALUES(bytes), " +
    "status_1xx = status_1xx + VALUES(status_1xx), status_2xx = status_2xx + VALUES(status_2xx), " +
    "status_3xx = status_3xx + VALUES(status_3xx), status_4xx = status_4xx + VALUES(status_4xx), " +
    "status_5xx = status_5xx + VALUES(status_5xx), status_other = status_other + VALUES(status_other), " +
    "bot_requests = bot_requests + VALUES(bot_requests), latency_count = latency_count + VALUES(latency_count), " +
    "latency_sum_ms = latency_sum_ms + VALUES(latency_sum_ms)");

    private static readonly MultiRowInsert<KeyValuePair<LatencyKey, long>> LatencyUpsert = new("rollup_latency_minute",
    [
        ("minute_utc", kv => kv.Key.MinuteUtc),
        ("vhost", kv => kv.Key.Vhost),
        ("host", kv => kv.Key.Host),
        ("bucket", kv => kv.Key.Bucket),
        ("count", kv => kv.Value),
    ],
    "ON DUPLICATE KEY UPDATE count = count + VALUES(count)");

    private static readonly MultiRowInsert<KeyValuePair<LatencyKey, long>> LatencyByHourUpsert = new("rollup_latency_minute_by_hour",
    [
        ("hour_utc", kv => kv.Key.MinuteUtc),
        ("vhost", kv => kv.Key.Vhost),
        ("host", kv => kv.Key.Host),
        ("bucket", kv => kv.Key.Bucket),
        ("count", kv => kv.Value),
    ],
    "ON DUPLICATE KEY UPDATE count = count + VALUES(count)");

    /// <summary>Appends the upserts that add a batch's increments. Only valid when every record of the batch was new.</summary>
    public void AppendIncrements(StatementBatch batch, RollupDelta delta)
    {
        // Key order is the primary-key order, so concurrent batches lock shared rows in the same order and rarely deadlock.
        var minutes = delta.Minutes.ToList();
        minutes.Sort((a, b) => Compare(a.Key.MinuteUtc, a.Key.Vhost, a.Key.Host, b.Key.MinuteUtc, b.Key.Vhost, b.Key.Host));
        var latency = delta.Latency.ToList();
        latency.Sort(CompareLatency);
        MinuteUpsert.AppendTo(batch, minutes, RowsPerStatement);
        LatencyUpsert.AppendTo(batch, latency, RowsPerStatement);
        // The same histogram counts per hour (keyed by the hour's first minute), in the same key order.
        var byHour = latency
            .GroupBy(kv => kv.Key with { MinuteUtc = HourOf(kv.Key.MinuteUtc) })
            .Select(g => new KeyValuePair<LatencyKey, long>(g.Key, g.Sum(kv => kv.Value)))
            .ToList();
        byHour.Sort(CompareLatency);
        LatencyByHourUpsert.AppendTo(batch, byHour, RowsPerStatement);
    }

    private static DateTime HourOf(DateTime minute) => new(minute.Ticks - minute.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    private static int CompareLatency(KeyValuePair<LatencyKey, long> a, KeyValuePair<LatencyKey, long> b)
    {
        var c = Compare(a.Key.MinuteUtc, a.Key.Vhost, a.Key.Host, b.Key.MinuteUtc, b.Key.Vhost, b.Key.Host);
        return c != 0 ? c : a.Key.Bucket.CompareTo(b.Key.Bucket);
    }

    private static int Compare(DateTime minuteA, string vhostA, string hostA, DateTime minuteB, string vhostB, string hostB)
    {
        var c = minuteA.CompareTo(minuteB);
        if (c == 0) c = string.CompareOrdinal(vhostA, vhostB);
        return c != 0 ? c : string.CompareOrdinal(hostA, hostB);
    }

    /// <summary>
    /// Appends the statements that replace every rollup row of the given minutes (all vhosts and hosts) with a
    /// recomputation from access_log. Under REPEATABLE READ the DELETE takes next-key locks on those minutes and
    /// INSERT ... SELECT reads access_log with shared locks (a current read, not the snapshot), so a concurrent batch
    /// either finishes before this reads or waits until it commits: its rows are counted exactly once either way.
    /// </summary>
    public void AppendRecompute(StatementBatch batch, IEnumerable<DateTime> minutes)
    {
        var ranges = MinuteRanges(minutes);
        if (ranges.Count == 0) return;
        var rollupWhere = InRanges("minute_utc", ranges);
        var rawWhere = InRanges("time_utc", ranges);
        batch.Sql($"DELETE FROM rollup_minute WHERE {rollupWhere}").End();
        batch.Sql($"DELETE FROM rollup_latency_minute WHERE {rollupWhere}").End();
        batch.Sql($"INSERT INTO rollup_minute ({RollupSql.MinuteColumns}) {RollupSql.SelectMinutes(rawWhere)}").End();
        batch.Sql($"INSERT INTO rollup_latency_minute ({RollupSql.LatencyColumns}) {RollupSql.SelectLatency(rawWhere)}").End();
        // The hours around those minutes, rebuilt from their minute rows (the rows just recomputed and the others).
        var hours = ranges.SelectMany(r => Hours(r.From, r.To)).Distinct().Order().Select(h => (h, h.AddHours(1))).ToList();
        batch.Sql($"DELETE FROM rollup_latency_minute_by_hour WHERE {InRanges("hour_utc", hours)}").End();
        batch.Sql($"INSERT INTO rollup_latency_minute_by_hour ({RollupSql.LatencyByHourColumns}) {RollupSql.SelectLatencyByHour(InRanges("minute_utc", hours))}").End();
    }

    private static IEnumerable<DateTime> Hours(DateTime from, DateTime to)
    {
        for (var h = HourOf(from); h < to; h = h.AddHours(1)) yield return h;
    }

    // Times formatted from DateTime values: literals with nothing to inject.
    private static string InRanges(string column, List<(DateTime From, DateTime To)> ranges) =>
        string.Join(" OR ", ranges.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"({column} >= '{r.From:yyyy-MM-dd HH:mm:ss}' AND {column} < '{r.To:yyyy-MM-dd HH:mm:ss}')")));

    /// <summary>Distinct minutes merged into contiguous [From, To) ranges, to keep the statements short.</summary>
    internal static List<(DateTime From, DateTime To)> MinuteRanges(IEnumerable<DateTime> minutes)
    {
        var ranges = new List<(DateTime From, DateTime To)>();
        foreach (var m in minutes.Distinct().Order())
        {
            if (ranges.Count > 0 && ranges[^1].To == m) ranges[^1] = (ranges[^1].From, m.AddMinutes(1));
            else ranges.Add((m, m.AddMinutes(1)));
        }
        return ranges;
    }
}
