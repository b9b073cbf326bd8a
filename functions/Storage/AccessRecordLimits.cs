using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// access_log column sizes (0001_access_log.sql) and the normalisation every stored record gets: strings capped to
/// their columns with RecordFlags.FieldTruncated, time cut to whole milliseconds (the column is DATETIME(3), and the
/// in-memory rollups must put a record in the same minute the database does).
/// </summary>
public static class AccessRecordLimits
{
    public const int Vhost = 255;
    public const int Host = 255;
    public const int RemoteAddr = 64;
    public const int ClientIp = 45;
    public const int RemoteUser = 255;
    public const int Method = 32;
    public const int Path = 2048;
    public const int Query = 2048;
    public const int Protocol = 16;
    public const int RawRequest = 2048;
    public const int Referer = 2048;
    public const int UserAgent = 1024;
    public const int XForwardedFor = 512;
    public const int SslProtocol = 16;
    public const int SourceFile = 1024;

    /// <summary>The record as it will be stored: the same instance when it already fits, else a capped copy.</summary>
    public static AccessRecord Normalize(AccessRecord r)
    {
        var time = new DateTime(r.TimeUtc.Ticks - r.TimeUtc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var truncated = false;
        var vhost = ColumnCap.CapRequired(r.Vhost, Vhost, ref truncated);
        var host = ColumnCap.CapRequired(r.Host, Host, ref truncated);
        var remoteAddr = ColumnCap.CapRequired(r.RemoteAddr, RemoteAddr, ref truncated);
        var clientIp = ColumnCap.Cap(r.ClientIp, ClientIp, ref truncated);
        var remoteUser = ColumnCap.Cap(r.RemoteUser, RemoteUser, ref truncated);
        var method = ColumnCap.Cap(r.Method, Method, ref truncated);
        var path = ColumnCap.Cap(r.Path, Path, ref truncated);
        var query = ColumnCap.Cap(r.Query, Query, ref truncated);
        var protocol = ColumnCap.Cap(r.Protocol, Protocol, ref truncated);
        var rawRequest = ColumnCap.Cap(r.RawRequest, RawRequest, ref truncated);
        var referer = ColumnCap.Cap(r.Referer, Referer, ref truncated);
        var userAgent = ColumnCap.Cap(r.UserAgent, UserAgent, ref truncated);
        var xff = ColumnCap.Cap(r.XForwardedFor, XForwardedFor, ref truncated);
        var ssl = ColumnCap.Cap(r.SslProtocol, SslProtocol, ref truncated);
        var sourceFile = ColumnCap.Cap(r.SourceFile, SourceFile, ref truncated);
        if (!truncated && time == r.TimeUtc) return r;

        return new AccessRecord
        {
            Id = r.Id, TimeUtc = time, Vhost = vhost, Host = host, RemoteAddr = remoteAddr, ClientIp = clientIp,
            RemoteUser = remoteUser, Method = method, Path = path, Query = query, Protocol = protocol,
            RawRequest = rawRequest, Status = r.Status, BodyBytes = r.BodyBytes, BytesSent = r.BytesSent,
            RequestLength = r.RequestLength, RequestTimeMs = r.RequestTimeMs, UpstreamTimeMs = r.UpstreamTimeMs,
            Referer = referer, UserAgent = userAgent, XForwardedFor = xff, SslProtocol = ssl,
            Flags = truncated ? r.Flags | RecordFlags.FieldTruncated : r.Flags,
            SourceFile = sourceFile, SourceOffset = r.SourceOffset,
        };
    }
}
