namespace NginxPulse.Functions.Storage;

/// <summary>
/// One table of packed latency histograms (<see cref="PackedHistogram"/>) keyed by (time, vhost, host): the statements
/// <see cref="RollupWriter"/> appends to lock, read and write its rows.
/// </summary>
internal sealed class HistogramTable
{
    // Keys per statement: a few hundred kilobytes of text at most, however many keys a batch touches.
    private const int RowsPerStatement = 1000;

    private readonly MultiRowInsert<RollupKey> _lock;
    private readonly MultiRowInsert<KeyValuePair<RollupKey, LatencyCounts>> _write;

    public HistogramTable(string name, string timeColumn)
    {
        Name = name;
        TimeColumn = timeColumn;
        // The empty histogram is what a key that had none holds, so a new placeholder row changes no total.
        _lock = new MultiRowInsert<RollupKey>(name,
            [(timeColumn, k => k.MinuteUtc), ("vhost", k => k.Vhost), ("host", k => k.Host), ("histogram", _ => PackedHistogram.Empty)],
            "ON DUPLICATE KEY UPDATE histogram = histogram");
        _write = new MultiRowInsert<KeyValuePair<RollupKey, LatencyCounts>>(name,
            [(timeColumn, kv => kv.Key.MinuteUtc), ("vhost", kv => kv.Key.Vhost), ("host", kv => kv.Key.Host), ("histogram", kv => kv.Value.Pack())],
            "ON DUPLICATE KEY UPDATE histogram = VALUES(histogram)");
    }

    public string Name { get; }

    public string TimeColumn { get; }

    /// <summary>
    /// Appends an upsert that changes nothing but takes an exclusive lock on every key (creating missing rows as
    /// empty histograms), then a SELECT ... FOR UPDATE returning (time, vhost, host, histogram) of those keys.
    /// </summary>
    /// <param name="keys">In primary-key order.</param>
    public void AppendLockAndRead(StatementBatch batch, IReadOnlyList<RollupKey> keys)
    {
        _lock.AppendTo(batch, keys, RowsPerStatement);
        if (keys.Count == 0) return;
        batch.Sql($"SELECT {TimeColumn}, vhost, host, histogram FROM {Name} WHERE ({TimeColumn}, vhost, host) IN (");
        for (var i = 0; i < keys.Count; i++)
        {
            batch.Sql(i == 0 ? "(" : ",(").Value(keys[i].MinuteUtc).Sql(',').Value(keys[i].Vhost).Sql(',').Value(keys[i].Host).Sql(')');
        }
        batch.Sql(") FOR UPDATE").End();
    }

    /// <summary>Appends the upserts that store these histograms, in primary-key order.</summary>
    public void AppendWrite(StatementBatch batch, IReadOnlyDictionary<RollupKey, LatencyCounts> histograms)
    {
        var rows = histograms.ToList();
        rows.Sort((a, b) => RollupWriter.Compare(a.Key, b.Key));
        _write.AppendTo(batch, rows, RowsPerStatement);
    }
}
