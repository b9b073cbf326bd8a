using System.Globalization;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Keeps rollup_minute, the latency histograms (rollup_histogram_minute, rollup_histogram_minute_by_hour) and the
/// whole site's minutes (rollup_site_minute) in step with access_log, inside the batch transaction.
/// </summary>
internal sealed class RollupWriter
{
    // Rows per upsert statement: a few hundred kilobytes of text at most, however many keys a batch touches.
    private const int RowsPerStatement = 1000;

    private static readonly MultiRowInsert<KeyValuePair<RollupKey, RollupCounts>> MinuteUpsert = new("rollup_minute",
    [
        ("minute_utc", kv => kv.Key.MinuteUtc),
        ("vhost", kv => kv.Key.Vhost),
        ("host", kv => kv.Key.Host),
        .. RollupCounts.Columns.Select(c => (c.Column, (Func<KeyValuePair<RollupKey, RollupCounts>, object?>)(kv => c.Value(kv.Value)))),
    ],
    "ON DUPLICATE KEY UPDATE " + RollupCounts.AddOnDuplicate);

    private static readonly HistogramTable Minutes = new("rollup_histogram_minute", "minute_utc");
    private static readonly HistogramTable ByHour = new("rollup_histogram_minute_by_hour", "hour_utc");

    /// <summary>Appends the upserts that add a batch's counter increments. Only valid when every record of the batch was new.</summary>
    public void AppendIncrements(StatementBatch batch, RollupDelta delta)
    {
        // Key order is the primary-key order, so concurrent batches lock shared rows in the same order and rarely deadlock.
        var minutes = delta.Minutes.ToList();
        minutes.Sort((a, b) => Compare(a.Key, b.Key));
        MinuteUpsert.AppendTo(batch, minutes, RowsPerStatement);
    }

    /// <summary>
    /// Runs <paramref name="increments"/> (the counter upserts of <see cref="AppendIncrements"/>) together with the
    /// locking reads of the stored minute and by-hour histograms the batch touches, merges the batch's histograms into
    /// them, and returns a batch holding their write-back. Only valid when every record of the batch was new. An upsert
    /// that changes nothing takes an exclusive lock on every touched key, creating the missing ones (a locking SELECT
    /// of an absent key would take only a gap lock, and two batches holding the same gap lock would deadlock on their
    /// inserts); then SELECT ... FOR UPDATE reads their current values. Tables are locked in the order
    /// rollup_minute, minute histograms, by-hour histograms, site minutes, keys in primary-key order, as every other
    /// writer does. The site minutes come last: batches of other hosts share them, so they are held only for the end of
    /// this round trip, the write-back and the commit.
    /// </summary>
    public async Task<StatementBatch> MergeHistogramIncrementsAsync(StatementBatch increments, RollupDelta delta, CancellationToken ct)
    {
        if (delta.Minutes.Count == 0) return increments;
        // Per stored row: the minute, and the same histograms per hour (keyed by the hour's first minute).
        var minutes = new Dictionary<RollupKey, LatencyCounts>(StoredRollupKeyComparer.Instance);
        var hours = new Dictionary<RollupKey, LatencyCounts>(StoredRollupKeyComparer.Instance);
        foreach (var (key, counts) in delta.Latency)
        {
            LatencyCounts.Of(minutes, key).Add(counts);
            LatencyCounts.Of(hours, key with { MinuteUtc = RollupDelta.HourOf(key.MinuteUtc) }).Add(counts);
        }

        var siteCounts = PerMinute<RollupCounts>(delta.Minutes, (sum, counts) => sum.Add(counts));
        var siteHistograms = SiteHistograms(delta.Latency);

        Minutes.AppendLockAndRead(increments, Sorted(minutes.Keys));
        ByHour.AppendLockAndRead(increments, Sorted(hours.Keys));
        SiteMinuteTable.AppendIncrementAndRead(increments, siteCounts);
        await increments.ReadAsync((resultSet, row) =>
        {
            // Told apart by shape: without latency in the batch there are no histogram result sets before this one. A
            // minute without request times in this batch keeps its stored histogram as it is.
            if (row.FieldCount == 2)
            {
                if (siteHistograms.TryGetValue(MinuteOf(row), out var site)) site.AddPacked((byte[])row.GetValue(1));
            }
            else (resultSet == 0 ? minutes : hours)[KeyOf(row)].AddPacked((byte[])row.GetValue(3));
        }, ct);
        var writes = increments.NextBatch();
        Minutes.AppendWrite(writes, minutes);
        ByHour.AppendWrite(writes, hours);
        SiteMinuteTable.AppendWriteHistograms(writes, siteHistograms);
        return writes;
    }

    /// <summary>The histograms of every scope summed per minute.</summary>
    private static SortedDictionary<DateTime, LatencyCounts> SiteHistograms(IEnumerable<KeyValuePair<RollupKey, LatencyCounts>> scopes) =>
        PerMinute<LatencyCounts>(scopes, (sum, counts) => sum.Add(counts));

    /// <summary>Every scope's values summed per minute (the whole site's rows).</summary>
    private static SortedDictionary<DateTime, T> PerMinute<T>(IEnumerable<KeyValuePair<RollupKey, T>> scopes, Action<T, T> add) where T : new()
    {
        var site = new SortedDictionary<DateTime, T>();
        foreach (var (key, value) in scopes)
        {
            if (!site.TryGetValue(key.MinuteUtc, out var sum)) site[key.MinuteUtc] = sum = new T();
            add(sum, value);
        }
        return site;
    }

    private static DateTime MinuteOf(System.Data.Common.DbDataReader row) => DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc);

    private static RollupKey KeyOf(System.Data.Common.DbDataReader row) =>
        new(DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc), row.GetString(1), row.GetString(2));

    private static List<RollupKey> Sorted(IEnumerable<RollupKey> keys)
    {
        var list = keys.ToList();
        list.Sort(Compare);
        return list;
    }

    /// <summary>Primary-key order of the rollup tables (utf8mb4_bin compares code points, as ordinal comparison does).</summary>
    internal static int Compare(RollupKey a, RollupKey b)
    {
        var c = a.MinuteUtc.CompareTo(b.MinuteUtc);
        if (c == 0) c = string.CompareOrdinal(a.Vhost, b.Vhost);
        return c != 0 ? c : string.CompareOrdinal(a.Host, b.Host);
    }

    /// <summary>
    /// Replaces every rollup row of the given minutes (all vhosts and hosts) with a recomputation from access_log, the
    /// by-hour histograms of their hours with the sum of the hours' minute rows, and the minutes' site rows with the
    /// sums of their recomputed scopes. One round trip deletes and
    /// recomputes the counter rows and reads the raw rows' histogram buckets and the hours' other minute histograms
    /// (appended to <paramref name="read"/>, which runs them); the histogram rows are packed here and returned as a
    /// batch of writes. Under REPEATABLE READ the DELETEs take next-key locks on those minutes and INSERT ... SELECT
    /// and the SELECT ... LOCK IN SHARE MODE read access_log with shared locks (current reads, not the snapshot), so a
    /// concurrent batch either finishes before this reads or waits until it commits: its rows are counted exactly once
    /// either way.
    /// </summary>
    public async Task<StatementBatch> RecomputeAsync(StatementBatch read, IEnumerable<DateTime> minutes, CancellationToken ct)
    {
        var ranges = MinuteRanges(minutes);
        if (ranges.Count == 0) return read;
        var rollupWhere = InRanges("minute_utc", ranges);
        var rawWhere = InRanges("time_utc", ranges);
        // The hours around those minutes, rebuilt from their minute rows (the rows recomputed here and the others).
        var hours = ranges.SelectMany(r => Hours(r.From, r.To)).Distinct().Order().Select(h => (h, h.AddHours(1))).ToList();
        read.Sql($"DELETE FROM rollup_minute WHERE {rollupWhere}").End();
        read.Sql($"DELETE FROM {Minutes.Name} WHERE {rollupWhere}").End();
        read.Sql($"INSERT INTO rollup_minute ({RollupSql.MinuteColumns}) {RollupSql.SelectMinutes(rawWhere)}").End();
        read.Sql($"{RollupSql.SelectLatency(rawWhere)} LOCK IN SHARE MODE").End();
        read.Sql($"SELECT minute_utc, vhost, host, histogram FROM {Minutes.Name} WHERE {InRanges("minute_utc", hours)} FOR UPDATE").End();

        var recomputed = new Dictionary<RollupKey, LatencyCounts>(StoredRollupKeyComparer.Instance);
        var byHour = new Dictionary<RollupKey, LatencyCounts>(StoredRollupKeyComparer.Instance);
        await read.ReadAsync((resultSet, row) =>
        {
            var key = KeyOf(row);
            var hour = LatencyCounts.Of(byHour, key with { MinuteUtc = RollupDelta.HourOf(key.MinuteUtc) });
            if (resultSet == 0)
            {
                var (bucket, count) = (Convert.ToInt32(row.GetValue(3)), Convert.ToInt64(row.GetValue(4)));
                LatencyCounts.Of(recomputed, key).Add(bucket, count);
                hour.Add(bucket, count);
            }
            else hour.AddPacked((byte[])row.GetValue(3));
        }, ct);
        var writes = read.NextBatch();
        Minutes.AppendWrite(writes, recomputed);
        writes.Sql($"DELETE FROM {ByHour.Name} WHERE {InRanges(ByHour.TimeColumn, hours)}").End();
        ByHour.AppendWrite(writes, byHour);
        SiteMinuteTable.AppendReplace(writes, rollupWhere, SiteHistograms(recomputed));
        return writes;
    }

    private static IEnumerable<DateTime> Hours(DateTime from, DateTime to)
    {
        for (var h = RollupDelta.HourOf(from); h < to; h = h.AddHours(1)) yield return h;
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
