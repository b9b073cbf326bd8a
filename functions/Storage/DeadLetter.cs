using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Storage;

/// <summary>A line or message that could not become a record, kept with the reason and where it came from.</summary>
public sealed class DeadLetter
{
    /// <summary>Deterministic 16-byte id so a redelivered bad line is stored once.</summary>
    public required byte[] Id { get; init; }
    public required string Reason { get; init; }
    /// <summary>The raw line or message, non-UTF-8 bytes as \xHH text, capped (see RawTruncated).</summary>
    public required string Raw { get; init; }
    public bool RawTruncated { get; init; }
    public string? Host { get; init; }
    public string? SourceFile { get; init; }
    public long? SourceOffset { get; init; }
    public KafkaPosition? Position { get; init; }
    public DateTime ReceivedUtc { get; init; }
}
