namespace NginxPulse.Functions.Events;

public enum EventFormat { ShipperEnvelope, Filebeat, PlainText }

/// <summary>One access-log line and where it came from, whatever the envelope it travelled in.</summary>
public sealed class LogEvent
{
    public required ReadOnlyMemory<byte> Line { get; init; }
    public required EventFormat Format { get; init; }
    /// <summary>The machine that wrote the log (shipper host, Filebeat host.name, or the Kafka key).</summary>
    public string? Host { get; init; }
    public string? FilePath { get; init; }
    /// <summary>Stable identity of the file across renames (device, inode, fingerprint); null when unknown.</summary>
    public string? FileIdentity { get; init; }
    /// <summary>Byte offset of the line's first byte in its file; null when unknown.</summary>
    public long? FileOffset { get; init; }
    public DateTime? ReadTimeUtc { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, string> Fields { get; init; } = EmptyFields;
    /// <summary>Set when the shipper cut the line at its maximum length.</summary>
    public bool Truncated { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyFields = new Dictionary<string, string>();
}
