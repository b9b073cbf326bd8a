using MySql.Data.MySqlClient;

namespace NginxPulse.Functions.Storage;

/// <summary>Inserts dead letters idempotently on their deterministic id; returns how many were new.</summary>
internal sealed class DeadLetterWriter
{
    public const int ReasonLimit = 512;
    public const int HostLimit = 255;
    public const int SourceFileLimit = 1024;
    public const int TopicLimit = 249;
    /// <summary>Raw text kept per dead letter: enough to diagnose any log line, small enough for one packet.</summary>
    public const int RawLimit = 65536;

    // 20 capped rows stay under 6 MB, well below MariaDB's default 16 MB max_allowed_packet.
    private const int RowsPerStatement = 20;

    private static readonly MultiRowInsert<Row> Insert = new("dead_letter",
    [
        ("id", r => r.Id),
        ("reason", r => r.Reason),
        ("raw", r => r.Raw),
        ("raw_truncated", r => r.RawTruncated),
        ("host", r => r.Host),
        ("source_file", r => r.SourceFile),
        ("source_offset", r => r.SourceOffset),
        ("kafka_topic", r => r.Topic),
        ("kafka_partition", r => r.Partition),
        ("kafka_offset", r => r.Offset),
        ("received_utc", r => r.ReceivedUtc),
    ],
    "ON DUPLICATE KEY UPDATE id = id");

    private sealed record Row(byte[] Id, string Reason, string Raw, bool RawTruncated, string? Host, string? SourceFile,
        long? SourceOffset, string? Topic, int? Partition, long? Offset, DateTime ReceivedUtc);

    public async Task<int> InsertAsync(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<DeadLetter> deadLetters, CancellationToken ct)
    {
        if (deadLetters.Count == 0) return 0;
        var rows = deadLetters.Select(ToRow).ToList();
        long inserted = 0;
        // One command per chunk, so no single packet outgrows max_allowed_packet.
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var batch = new StatementBatch(connection, transaction);
            Insert.AppendTo(batch, rows, start, Math.Min(RowsPerStatement, rows.Count - start));
            inserted += await batch.ExecuteAsync(ct);
        }
        return (int)inserted;
    }

    private static Row ToRow(DeadLetter d)
    {
        // Dead letters exist so that nothing is lost: over-long metadata is cut rather than rejected.
        var ignored = false;
        var rawTruncated = d.RawTruncated;
        var raw = ColumnCap.CapRequired(d.Raw, RawLimit, ref rawTruncated);
        return new Row(d.Id,
            ColumnCap.CapRequired(d.Reason, ReasonLimit, ref ignored),
            raw, rawTruncated,
            ColumnCap.Cap(d.Host, HostLimit, ref ignored),
            ColumnCap.Cap(d.SourceFile, SourceFileLimit, ref ignored),
            d.SourceOffset,
            ColumnCap.Cap(d.Position?.Topic, TopicLimit, ref ignored),
            d.Position?.Partition, d.Position?.Offset,
            new DateTime(d.ReceivedUtc.Ticks - d.ReceivedUtc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc));
    }
}
