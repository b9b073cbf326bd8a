using System.Text;
using NginxPulse.Functions.Cleaning;
using NginxPulse.Functions.Events;
using NginxPulse.Functions.Kafka;
using NginxPulse.Functions.Parsing;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.IngestAccessLogs;

/// <summary>
/// Decode ▸ parse ▸ clean for one Kafka batch: every message becomes a record or a dead letter with a reason,
/// each with a deterministic id. Bad input never throws out of here.
/// </summary>
public sealed class AccessLogPipeline(EventDecoder decoder, FormatSelector formats, RecordCleaner cleaner, TimeProvider clock)
{
    public const int MaxDeadLetterBytes = 64 * 1024;

    public IReadOnlyList<IngestItem> Process(KafkaBatch batch)
    {
        var parser = new AccessLogParser();
        var identicalLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<IngestItem>(batch.Messages.Count);
        foreach (var message in batch.Messages) items.Add(ProcessOne(message, parser, identicalLines));
        return items;
    }

    private IngestItem ProcessOne(KafkaMessage message, AccessLogParser parser, Dictionary<string, int> identicalLines)
    {
        if (!decoder.TryDecode(message, out var e, out var decodeError))
        {
            var id = LineId(message.Key ?? "", message.Value.Span, identicalLines);
            return new IngestItem(message.Position, null, DeadLetterFor(id, decodeError!, message.Value.Span, message.Key, null, null, message.Position));
        }
        var ev = e!;
        var host = ev.Host ?? "";
        var recordId = ev.FileOffset is { } offset && (ev.FileIdentity ?? ev.FilePath) is { } file
            ? RecordId.FromSource(host, file, offset)
            : LineId(host, ev.Line.Span, identicalLines);

        var record = new AccessRecord();
        if (!parser.TryParse(ev.Line.Span, formats.Select(ev), record, out var parseError, out var format))
            return new IngestItem(message.Position, null, DeadLetterFor(recordId, parseError!, ev.Line.Span, ev.Host, ev.FilePath, ev.FileOffset, message.Position));

        record.Id = recordId;
        record.Host = host;
        record.SourceFile = ev.FilePath;
        record.SourceOffset = ev.FileOffset;
        if (!format!.HasTime) record.TimeUtc = ev.ReadTimeUtc ?? message.TimestampUtc;
        record.TimeUtc = TruncateToMillis(record.TimeUtc);
        if (record.Vhost.Length == 0 && ev.Fields.TryGetValue("vhost", out var vhost)) record.Vhost = vhost;
        if (ev.Truncated) record.Flags |= RecordFlags.LineTruncated;
        cleaner.Clean(record);
        return new IngestItem(message.Position, record, null);
    }

    // Lines without source coordinates are identified by content; the ordinal keeps identical lines of one
    // batch apart (two requests in the same second can log byte-identical lines).
    private static byte[] LineId(string host, ReadOnlySpan<byte> line, Dictionary<string, int> identicalLines)
    {
        var first = RecordId.FromLine(host, line, 0);
        var key = Convert.ToHexString(first);
        identicalLines.TryGetValue(key, out var seen);
        identicalLines[key] = seen + 1;
        return seen == 0 ? first : RecordId.FromLine(host, line, seen);
    }

    private DeadLetter DeadLetterFor(byte[] id, string reason, ReadOnlySpan<byte> raw, string? host, string? file, long? offset, KafkaPosition position)
    {
        var truncated = raw.Length > MaxDeadLetterBytes;
        var flags = RecordFlags.None;
        return new DeadLetter
        {
            Id = id,
            Reason = reason,
            Raw = FieldText.Render(truncated ? raw[..MaxDeadLetterBytes] : raw, ref flags),
            RawTruncated = truncated,
            Host = host,
            SourceFile = file,
            SourceOffset = offset,
            Position = position,
            ReceivedUtc = TruncateToMillis(clock.GetUtcNow().UtcDateTime),
        };
    }

    private static DateTime TruncateToMillis(DateTime t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
