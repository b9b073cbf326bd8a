namespace NginxPulse.Functions.Storage;

/// <summary>
/// rollup_site_minute: per minute, the sum over every vhost and host of rollup_minute's counters and of the minute's
/// latency histograms (packed; empty when no request had a request time). The statements <see cref="RollupWriter"/>
/// appends to keep it exact, and the sums it must equal (<see cref="RollupVerifier"/>, the migration's back-fill).
/// </summary>
internal static class SiteMinuteTable
{
    public const string Name = "rollup_site_minute";

    /// <summary>rollup_minute's value columns (everything but the key), in <see cref="RollupSql.MinuteColumns"/> order.</summary>
    public static readonly string CounterColumns = string.Join(", ", RollupCounts.Columns.Select(c => c.Column));

    private const int RowsPerStatement = 1000;

    private static readonly MultiRowInsert<KeyValuePair<DateTime, RollupCounts>> Increment = new(Name,
    [
        ("minute_utc", kv => kv.Key),
        .. RollupCounts.Columns.Select(c => (c.Column, (Func<KeyValuePair<DateTime, RollupCounts>, object?>)(kv => c.Value(kv.Value)))),
        ("histogram", _ => PackedHistogram.Empty),
    ],
    "ON DUPLICATE KEY UPDATE " + RollupCounts.AddOnDuplicate);

    private static readonly MultiRowInsert<KeyValuePair<DateTime, LatencyCounts>> Write = new(Name,
        [("minute_utc", kv => kv.Key), ("histogram", kv => kv.Value.Pack())],
        "ON DUPLICATE KEY UPDATE histogram = VALUES(histogram)");

    /// <summary>The counters of rollup_minute's rows matching <paramref name="where"/>, summed per minute.</summary>
    public static string SelectSums(string where) =>
        $"SELECT minute_utc, {string.Join(", ", RollupCounts.Columns.Select(c => $"SUM({c.Column})"))} FROM rollup_minute WHERE {where} GROUP BY minute_utc";

    /// <summary>
    /// Appends the upsert that adds a batch's counters per minute (creating missing rows with an empty histogram, so
    /// every touched row is now locked exclusively), then a SELECT ... FOR UPDATE of (minute_utc, histogram) of them.
    /// </summary>
    public static void AppendIncrementAndRead(StatementBatch batch, SortedDictionary<DateTime, RollupCounts> minutes)
    {
        if (minutes.Count == 0) return;
        Increment.AppendTo(batch, minutes.ToList(), RowsPerStatement);
        batch.Sql($"SELECT minute_utc, histogram FROM {Name} WHERE minute_utc IN (");
        var first = true;
        foreach (var minute in minutes.Keys)
        {
            batch.Sql(first ? "" : ",").Value(minute);
            first = false;
        }
        batch.Sql(") FOR UPDATE").End();
    }

    /// <summary>Appends the upserts that store these histograms; the minutes' rows exist already.</summary>
    public static void AppendWriteHistograms(StatementBatch batch, SortedDictionary<DateTime, LatencyCounts> histograms) =>
        Write.AppendTo(batch, histograms.ToList(), RowsPerStatement);

    /// <summary>
    /// Appends statements that replace the rows of the minutes matching <paramref name="where"/> (over minute_utc) with
    /// the sums of those minutes' rollup_minute rows and the given histograms (the minutes' recomputed scopes summed).
    /// </summary>
    public static void AppendReplace(StatementBatch batch, string where, SortedDictionary<DateTime, LatencyCounts> histograms)
    {
        batch.Sql($"DELETE FROM {Name} WHERE {where}").End();
        batch.Sql($"INSERT INTO {Name} (minute_utc, {CounterColumns}, histogram) SELECT s.*, X'01' FROM ({SelectSums(where)}) s").End();
        AppendWriteHistograms(batch, histograms);
    }
}
