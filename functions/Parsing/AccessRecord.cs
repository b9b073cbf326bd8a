namespace NginxPulse.Functions.Parsing;

[Flags]
public enum RecordFlags
{
    None = 0,
    /// <summary>The request line is not an HTTP request (TLS bytes, "PRI *", "-", empty, binary).</summary>
    GarbageRequest = 1 << 0,
    /// <summary>At least one field was longer than its column and was cut.</summary>
    FieldTruncated = 1 << 1,
    /// <summary>The line held bytes that are not UTF-8; they are kept as \xHH text.</summary>
    InvalidUtf8 = 1 << 2,
    /// <summary>No valid client IP could be found in $remote_addr / forwarding headers.</summary>
    ClientIpUnresolved = 1 << 3,
    /// <summary>The user agent looks like a crawler, monitor or script.</summary>
    Bot = 1 << 4,
    /// <summary>The shipper truncated the line before sending it.</summary>
    LineTruncated = 1 << 5,
}

/// <summary>A parsed, cleaned access-log record: one row of the raw table.</summary>
public sealed class AccessRecord
{
    /// <summary>Deterministic 16-byte id (see RecordId): the same line always gets the same id.</summary>
    public byte[] Id { get; set; } = [];
    /// <summary>Request time in UTC, millisecond precision.</summary>
    public DateTime TimeUtc { get; set; }
    /// <summary>Virtual host ($host / $server_name / $http_host, or the source's vhost field); "" when unknown.</summary>
    public string Vhost { get; set; } = "";
    /// <summary>The machine whose log held the line; "" when unknown.</summary>
    public string Host { get; set; } = "";
    public string RemoteAddr { get; set; } = "";
    /// <summary>The real client after trusted-proxy resolution; null when none was valid.</summary>
    public string? ClientIp { get; set; }
    public string? RemoteUser { get; set; }
    public string? Method { get; set; }
    public string? Path { get; set; }
    public string? Query { get; set; }
    public string? Protocol { get; set; }
    /// <summary>The request line as logged, kept only when it is not a well-formed HTTP request.</summary>
    public string? RawRequest { get; set; }
    public int Status { get; set; }
    public long BodyBytes { get; set; }
    public long? BytesSent { get; set; }
    public long? RequestLength { get; set; }
    public int? RequestTimeMs { get; set; }
    /// <summary>Total upstream time over every attempt and internal redirect, in ms.</summary>
    public int? UpstreamTimeMs { get; set; }
    public string? Referer { get; set; }
    public string? UserAgent { get; set; }
    public string? XForwardedFor { get; set; }
    /// <summary>$http_x_real_ip when logged; used to resolve the client, not stored.</summary>
    public string? XRealIp { get; set; }
    public string? SslProtocol { get; set; }
    public RecordFlags Flags { get; set; }
    public string? SourceFile { get; set; }
    public long? SourceOffset { get; set; }

    public bool IsBot => (Flags & RecordFlags.Bot) != 0;
}
